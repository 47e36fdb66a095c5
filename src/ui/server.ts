// `nbv ui`'s server: node's own http module. The API is a dozen JSON routes and one event stream;
// a framework would add a dependency and its own defaults (CORS helpers, body parsers) that we
// would have to audit and turn off, for no gain. Guards come first on every request (security.ts).
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { NbvError } from '../errors.js';
import { listWorkflowNames, openProject, type OperationContext, type Project } from '../engine/index.js';
import { runAction } from './actions.js';
import { ASSET_TYPES, defaultAssetsDir, pageHtml } from './assets.js';
import { DiskFollower } from './follow.js';
import { readJsonBody, sendError, sendJson, sendText } from './http.js';
import { nodeHistory } from './nodeHistory.js';
import { TOKEN_COOKIE, TOKEN_HEADER, allowedHost, cookieToken, newToken, sameToken, setCommonHeaders } from './security.js';
import { compareView, listWorkflows, staleView, stateView, timeline } from './views.js';

export interface UiServerOptions {
  /** A folder inside the project. */
  cwd: string;
  context: OperationContext;
  host?: string;
  port?: number;
  token?: string;
  assetsDir?: string;
}

export interface UiServer {
  /** The address to open, with its token. */
  url: string;
  host: string;
  port: number;
  token: string;
  root: string;
  close(): Promise<void>;
}

const PAGE_SIZE = 50;
const MAX_PAGE = 500;

function intParam(value: string | null, fallback: number, max: number): number {
  if (value === null || value === '') return fallback;
  if (!/^\d{1,7}$/.test(value)) throw new NbvError('BAD_USAGE', `'${value}' is not a whole number`);
  return Math.min(Number(value), max);
}

function listParam(params: URLSearchParams, name: string): string[] | undefined {
  const values = params.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return values.length ? values : undefined;
}

function optional(params: URLSearchParams, name: string): string | undefined {
  const v = params.get(name);
  return v === null || v === '' ? undefined : v;
}

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const assetsDir = options.assetsDir ?? defaultAssetsDir();
  const first = await openProject(options.cwd, options.context);
  const root = first.root;
  const follower = new DiskFollower(root, first.gitdir);
  // A fresh handle per request: another nbv may have changed the store in between.
  const open = (context: OperationContext = options.context): Promise<Project> => openProject(root, context);

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const parts = url.pathname.split('/').slice(2).map((p) => decodeURIComponent(p));
    const q = url.searchParams;
    if (req.method === 'POST') {
      if (!sameToken(req.headers[TOKEN_HEADER] as string | undefined, token)) return sendJson(res, 403, { error: { code: 'FORBIDDEN', message: 'missing or wrong token' } });
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return sendJson(res, 415, { error: { code: 'BAD_USAGE', message: 'POST a JSON body (Content-Type: application/json)' } });
      }
      const [w, name, action] = parts;
      if (w !== 'workflows' || !name || !action || parts.length !== 3) return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'no such action' } });
      const body = await readJsonBody(req);
      const result = await runAction(open, options.context, name, action, body);
      follower.check();
      return sendJson(res, 200, result);
    }
    const [head, name, what, arg, tail] = parts;
    if (head === 'head' && parts.length === 1) return sendJson(res, 200, { signature: follower.current });
    if (head === 'events' && parts.length === 1) return follower.subscribe(res);
    if (head === 'workflows' && parts.length === 1) return sendJson(res, 200, await listWorkflows(await open()));
    // Names only: the page's first request, answered without reading any workflow.
    if (head === 'names' && parts.length === 1) return sendJson(res, 200, await listWorkflowNames(await open()));
    if (head === 'workflows' && name !== undefined) {
      const project = await open();
      if (what === 'timeline' && parts.length === 3) {
        const filters = {
          ...(listParam(q, 'op') ? { ops: listParam(q, 'op')! } : {}),
          ...(listParam(q, 'node') ? { nodes: listParam(q, 'node')! } : {}),
          ...(listParam(q, 'scene') ? { scenes: listParam(q, 'scene')! } : {}),
          ...(optional(q, 'author') ? { author: optional(q, 'author')! } : {}),
          ...(optional(q, 'since') ? { since: optional(q, 'since')! } : {}),
          ...(optional(q, 'until') ? { until: optional(q, 'until')! } : {}),
        };
        return sendJson(res, 200, await timeline(project, name, filters, intParam(q.get('offset'), 0, 10_000_000), Math.max(1, intParam(q.get('limit'), PAGE_SIZE, MAX_PAGE))));
      }
      if (what === 'states' && arg !== undefined && parts.length === 4) return sendJson(res, 200, await stateView(project, name, arg, optional(q, 'tab')));
      if (what === 'stale' && parts.length === 3) return sendJson(res, 200, await staleView(project, name));
      if (what === 'compare' && parts.length === 3) return sendJson(res, 200, await compareView(project, name, q.get('from') ?? '', q.get('to') ?? ''));
      if (what === 'nodes' && arg !== undefined && tail === 'history' && parts.length === 5) return sendJson(res, 200, await nodeHistory(project, name, arg));
    }
    return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `no API route ${url.pathname}` } });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setCommonHeaders(res);
    if (!allowedHost(req.headers.host, host)) return sendText(res, 403, 'nbv ui answers only requests addressed to the loopback host it printed\n');
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('Allow', 'GET, POST');
      return sendText(res, 405, 'method not allowed\n');
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const queryToken = url.searchParams.get('token');
    if (url.pathname.startsWith('/api/')) {
      // A page from another site can make the browser send a cookie, never a custom header; the
      // event stream (EventSource sets no headers) presents the token in its address instead.
      const given = (req.headers[TOKEN_HEADER] as string | undefined) ?? (req.method === 'GET' ? queryToken : null);
      if (!sameToken(given, token)) return sendJson(res, 403, { error: { code: 'FORBIDDEN', message: 'missing or wrong token' } });
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedHost(origin.replace(/^https?:\/\//, ''), host)) {
        return sendJson(res, 403, { error: { code: 'FORBIDDEN', message: 'cross-origin request refused' } });
      }
      return api(req, res, url);
    }
    if (req.method !== 'GET') return sendText(res, 405, 'method not allowed\n');
    const allowed = sameToken(queryToken, token) || sameToken(cookieToken(req), token);
    if (!allowed) return sendText(res, 403, 'open the address nbv ui printed (it carries the token)\n');
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      const html = pageHtml(token, await listWorkflowNames(await open()));
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html) });
      return void res.end(html);
    }
    const asset = /^\/assets\/([a-z]+\.(?:js|css))$/.exec(url.pathname)?.[1];
    if (asset && ASSET_TYPES[asset]) {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(path.join(assetsDir, asset));
      } catch {
        return sendText(res, 500, `the page's ${asset} is not built: run 'npm run build'\n`);
      }
      res.writeHead(200, { 'Content-Type': ASSET_TYPES[asset]!, 'Content-Length': bytes.length });
      return void res.end(bytes);
    }
    return sendText(res, 404, 'not found\n');
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) res.end();
      else sendError(res, err);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new NbvError('BAD_USAGE', `port ${options.port} is in use; pick another with --port`) : err),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    host,
    port,
    token,
    root,
    close: () =>
      new Promise<void>((resolve) => {
        follower.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
