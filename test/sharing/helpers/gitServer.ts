// The real `git http-backend` (git's own smart-HTTP server, a CGI program) behind a small node
// HTTP bridge, on 127.0.0.1 only, started and stopped by the tests. Optional basic auth, and a
// fault switch that cuts the connection (and kills the backend) in the middle of a transfer.
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export const HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

export interface Cut {
  /** Which service's request to cut: a fetch (upload-pack) or a push (receive-pack). */
  service: 'git-upload-pack' | 'git-receive-pack';
  /** Bytes of the response (upload-pack) or of the request (receive-pack) let through first. */
  afterBytes: number;
}

export interface GitServer {
  port: number;
  url(repo: string): string;
  /** The next POST to `cut.service` dies after `cut.afterBytes`. */
  cutNext(cut: Cut): void;
  /** How many requests were cut so far. */
  cuts(): number;
  stop(): Promise<void>;
}

export interface ServerOptions {
  auth?: { username: string; password: string };
}

function parseCgiHead(head: string): { status: number; headers: Array<[string, string]> } {
  let status = 200;
  const headers: Array<[string, string]> = [];
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const name = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
    else headers.push([name, value]);
  }
  return { status, headers };
}

export async function startGitServer(projectRoot: string, options: ServerOptions = {}): Promise<GitServer> {
  let pendingCut: Cut | null = null;
  let cutCount = 0;
  const children = new Set<ChildProcess>();

  const server = http.createServer((req, res) => {
    if (options.auth) {
      const expected = 'Basic ' + Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64');
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="nbv test"' }).end('unauthorized');
        return;
      }
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const service = url.pathname.endsWith('/git-upload-pack') ? 'git-upload-pack' : url.pathname.endsWith('/git-receive-pack') ? 'git-receive-pack' : null;
    const cut = req.method === 'POST' && pendingCut !== null && pendingCut.service === service ? pendingCut : null;
    if (cut) pendingCut = null;

    const child = spawn(HTTP_BACKEND, [], {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'http.receivepack',
        GIT_CONFIG_VALUE_0: 'true',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.replace(/^\?/, ''),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
        REMOTE_ADDR: '127.0.0.1',
        ...(options.auth ? { REMOTE_USER: options.auth.username } : {}),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.add(child);
    child.on('close', () => children.delete(child));
    child.stderr.resume();
    let dead = false;
    const die = () => {
      if (dead) return;
      dead = true;
      cutCount++;
      child.kill('SIGKILL');
      req.socket.destroy();
    };

    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (dead) return;
      if (cut?.service === 'git-receive-pack' && received > cut.afterBytes) return die();
      child.stdin.write(chunk);
    });
    req.on('end', () => child.stdin.end());
    child.stdin.on('error', () => undefined);

    let head: Buffer | null = Buffer.alloc(0);
    let sent = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      if (dead) return;
      if (head !== null) {
        head = Buffer.concat([head, chunk]);
        const text = head.toString('latin1');
        const end = text.search(/\r?\n\r?\n/);
        if (end < 0) return;
        const sep = /\r?\n\r?\n/.exec(text.slice(end))![0].length;
        const { status, headers } = parseCgiHead(text.slice(0, end));
        res.writeHead(status, headers);
        chunk = head.subarray(end + sep);
        head = null;
      }
      if (cut?.service === 'git-upload-pack' && sent + chunk.length > cut.afterBytes) {
        res.write(chunk.subarray(0, Math.max(0, cut.afterBytes - sent)));
        return die();
      }
      sent += chunk.length;
      res.write(chunk);
    });
    child.on('close', () => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (repo) => `http://127.0.0.1:${port}/${repo}`,
    cutNext: (cut) => void (pendingCut = cut),
    cuts: () => cutCount,
    stop: async () => {
      for (const child of children) child.kill('SIGKILL');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
