// Smart HTTP(S) through isomorphic-git and its node HTTP client: what GitHub, GitLab, Gitea and
// `git http-backend` speak.
//
// isomorphic-git's fetch and push write refs of their own (remote-tracking refs, tags) straight
// into the gitdir, without our lock's compare-and-swap, and a fetch writes them BEFORE its pack:
// a connection cut would leave refs to missing objects. So it gets a file system of ours in
// which every write under refs/ is caught in memory and its config read says only where fetched
// refs would go. It writes nothing but the pack and its index (atomically, through atomicFs); the
// caller moves refs itself, once the objects are in.
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { NbvError } from '../../errors.js';
import { atomicFs } from '../atomicFs.js';
import { envCredentials, helperCredentials, reportToHelper, type Credentials } from './credentials.js';
import { scrubUrl } from './remoteUrl.js';
import { CONFIG_REF, travellingRefs, type PushUpdate, type TransportOptions } from './transportTypes.js';

const INCOMING = 'refs/nbv-incoming/';
const FETCH_REMOTE = 'nbv-incoming';
const VIRTUAL_CONFIG = `[remote "${FETCH_REMOTE}"]\n\tfetch = +refs/*:${INCOMING}*\n`;

type Git = typeof import('isomorphic-git').default;
type Http = typeof import('isomorphic-git/http/node').default;
let loaded: Promise<{ git: Git; http: Http }> | undefined;
const load = () =>
  (loaded ??= Promise.all([import('isomorphic-git'), import('isomorphic-git/http/node')]).then(([g, h]) => ({ git: g.default, http: h.default })));

/** The fs isomorphic-git gets during a transfer; `caught` collects the refs it tried to write. */
function transferFs(gitdir: string, caught: Map<string, string>) {
  const configFile = path.join(gitdir, 'config');
  const refsDir = path.join(gitdir, 'refs') + path.sep;
  const shallow = path.join(gitdir, 'shallow');
  return {
    promises: {
      ...atomicFs.promises,
      async readFile(file: string, options?: unknown): Promise<Buffer | string> {
        if (path.resolve(file) === configFile) {
          const encoding = typeof options === 'string' ? options : (options as { encoding?: string } | undefined)?.encoding;
          return encoding ? VIRTUAL_CONFIG : Buffer.from(VIRTUAL_CONFIG);
        }
        return fsp.readFile(file, options as never);
      },
      async writeFile(file: string, data: Uint8Array | string, options?: never): Promise<void> {
        const abs = path.resolve(file);
        if (abs.startsWith(refsDir)) {
          caught.set(abs.slice(gitdir.length + 1).split(path.sep).join('/'), String(typeof data === 'string' ? data : Buffer.from(data)).trim());
          return;
        }
        if (abs === shallow) return;
        await atomicFs.promises.writeFile(file, data, options);
      },
      async unlink(file: string): Promise<void> {
        if (path.resolve(file) === shallow) return;
        await fsp.unlink(file);
      },
    },
  };
}

type HttpRequest = Parameters<Http['request']>[0];
type HttpResponse = Awaited<ReturnType<Http['request']>>;

async function collectBody(body: AsyncIterableIterator<Uint8Array> | undefined): Promise<Buffer> {
  const parts: Buffer[] = [];
  if (body) for await (const part of body) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

/**
 * An nbv remote's HEAD is unborn (no workflow is called `main`), so git advertises no HEAD, and
 * isomorphic-git's fetch, which insists on one, fails after downloading. This client adds a HEAD
 * line to the upload-pack advertisement, naming `headOid` (a ref the remote does have).
 */
function withAdvertisedHead(http: Http, headOid: string): Http {
  return {
    async request(request: HttpRequest): Promise<HttpResponse> {
      const response = await http.request(request);
      if (request.method !== 'GET' || !/\/info\/refs\?service=git-upload-pack$/.test(request.url) || response.statusCode !== 200) return response;
      const bytes = await collectBody(response.body as AsyncIterableIterator<Uint8Array> | undefined);
      const text = bytes.toString('latin1');
      let patched = bytes;
      if (!/^[0-9a-f]{4}[0-9a-f]{40} HEAD(\0|\n)/m.test(text.replace(/0000/g, '\n')) && !text.includes(' HEAD\0') && !text.includes(' HEAD\n')) {
        const line = `${headOid} HEAD\n`;
        const pkt = Buffer.from((line.length + 4).toString(16).padStart(4, '0') + line, 'latin1');
        // before the final flush packet
        patched = Buffer.concat([bytes.subarray(0, bytes.length - 4), pkt, bytes.subarray(bytes.length - 4)]);
      }
      return { ...response, body: (async function* () { yield new Uint8Array(patched); })() };
    },
  } as Http;
}

interface Auth {
  onAuth: () => Promise<{ username: string; password: string } | { cancel: true } | undefined>;
  onAuthFailure: () => Promise<{ cancel: true }>;
  onAuthSuccess: () => Promise<void>;
  used: () => Credentials | null;
}

function authFor(url: string, env: NodeJS.ProcessEnv): Auth {
  let creds: Credentials | null = null;
  return {
    async onAuth() {
      creds = envCredentials(env) ?? (await helperCredentials(url, env));
      return creds === null ? { cancel: true } : { username: creds.username, password: creds.password };
    },
    async onAuthFailure() {
      if (creds !== null) await reportToHelper(url, creds, false, env);
      return { cancel: true };
    },
    async onAuthSuccess() {
      if (creds !== null) await reportToHelper(url, creds, true, env);
    },
    used: () => creds,
  };
}

/** isomorphic-git's and node's errors as one clear line that never holds a credential. */
export function httpError(err: unknown, url: string, doing: string, auth?: Auth): NbvError {
  if (err instanceof NbvError) return err;
  const shown = scrubUrl(url);
  const e = err as { code?: string; data?: { statusCode?: number; statusMessage?: string; reason?: string }; message?: string };
  const reason = scrubUrl(String(e.message ?? err)).split('\n')[0];
  if (e.code === 'UserCanceledError' || e.data?.statusCode === 401 || e.data?.statusCode === 403) {
    const had = auth?.used() ?? null;
    const message = had
      ? `${shown} refused the credentials from ${had.source === 'env' ? 'NBV_USERNAME/NBV_PASSWORD/NBV_TOKEN' : "git's credential helper"}`
      : `${shown} needs credentials: set NBV_USERNAME and NBV_PASSWORD (or NBV_TOKEN), or configure a git credential helper`;
    return new NbvError('REMOTE_AUTH', `${message}; nothing was changed`, { details: { url: shown } });
  }
  if (e.code === 'HttpError' && e.data?.statusCode === 404) {
    return new NbvError('REMOTE_UNREACHABLE', `no git repository at ${shown} (HTTP 404)`, { details: { url: shown } });
  }
  if (e.code === 'HttpError' || e.code === 'SmartHttpError') {
    return new NbvError('REMOTE_UNREACHABLE', `${shown} did not answer as a git server while ${doing} (${reason}); nothing was changed`, { details: { url: shown } });
  }
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH' || e.code === 'ETIMEDOUT' || e.code === 'EAI_AGAIN') {
    return new NbvError('REMOTE_UNREACHABLE', `${shown} does not answer (${e.code}); nothing was changed`, { details: { url: shown } });
  }
  return new NbvError('REMOTE_UNREACHABLE', `the transfer with ${shown} failed while ${doing} (${reason}); nothing was changed, try again`, {
    details: { url: shown },
  });
}

export async function httpList(url: string, options: TransportOptions): Promise<Map<string, string>> {
  const { git, http } = await load();
  const auth = authFor(url, options.env);
  try {
    const refs = await git.listServerRefs({ http, url, protocolVersion: 1, onAuth: auth.onAuth, onAuthFailure: auth.onAuthFailure, onAuthSuccess: auth.onAuthSuccess });
    return travellingRefs(refs.map((r) => [r.ref, r.oid] as [string, string]));
  } catch (err) {
    throw httpError(err, url, 'listing its refs', auth);
  }
}

/** Downloads every object the remote's travelling refs reach; returns those refs as fetched. */
export async function httpFetch(gitdir: string, url: string, advertised: Map<string, string>, options: TransportOptions): Promise<Map<string, string>> {
  if (advertised.size === 0) return new Map();
  const { git, http } = await load();
  const auth = authFor(url, options.env);
  const caught = new Map<string, string>();
  // A ref the fetch must name explicitly so that isomorphic-git keeps it beside heads and tags.
  const named = advertised.has(CONFIG_REF) ? CONFIG_REF : [...advertised.keys()][0]!;
  try {
    await git.fetch({
      fs: transferFs(gitdir, caught),
      http: withAdvertisedHead(http, advertised.get(named)!),
      gitdir,
      url,
      remote: FETCH_REMOTE,
      ref: named,
      remoteRef: named,
      singleBranch: false,
      tags: true,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      onAuth: auth.onAuth,
      onAuthFailure: auth.onAuthFailure,
      onAuthSuccess: auth.onAuthSuccess,
    });
  } catch (err) {
    throw httpError(err, url, 'fetching', auth);
  }
  const fetched = [...caught].filter(([ref]) => ref.startsWith(INCOMING)).map(([ref, oid]) => [`refs/${ref.slice(INCOMING.length)}`, oid] as [string, string]);
  return travellingRefs(fetched);
}

/** Sends each update in order, one request each; stops at the first the remote refuses. */
export async function httpPush(gitdir: string, url: string, updates: PushUpdate[], options: TransportOptions): Promise<void> {
  const { git, http } = await load();
  for (const update of updates) {
    const auth = authFor(url, options.env);
    let moved: string | null = null;
    try {
      await git.push({
        fs: transferFs(gitdir, new Map()),
        http,
        gitdir,
        url,
        ref: update.ref,
        remoteRef: update.ref,
        force: false,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        onAuth: auth.onAuth,
        onAuthFailure: auth.onAuthFailure,
        onAuthSuccess: auth.onAuthSuccess,
        // Compare-and-swap: the remote must still hold what we based this push on.
        onPrePush: ({ remoteRef }) => {
          const now = /^0{40}$/.test(remoteRef.oid) ? null : remoteRef.oid;
          if (now === update.expectedOld) return true;
          moved = update.ref;
          return false;
        },
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (moved !== null || code === 'PushRejectedError' || code === 'GitPushError') {
        throw new NbvError('REMOTE_REJECTED', `${scrubUrl(url)} refused ${update.ref}: the remote moved since the last fetch; pull first`, {
          details: { ref: update.ref },
        });
      }
      throw httpError(err, url, `pushing ${update.ref}`, auth);
    }
  }
}
