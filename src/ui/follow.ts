// Following the disk. A signature of everything a view depends on, computed from file metadata
// only (the working .nbflow files beside the store, the store's branch refs and packed-refs), is
// checked when fs.watch reports anything in those folders and, as a safety net, every 700 ms:
// fs.watch misses events on some file systems and editors that save by rename. When it changes,
// every open page is told over server-sent events and reloads what it shows. SSE rather than
// polling from the page: one cheap check serves every open tab, and the page learns within a
// fraction of a second instead of at its next poll.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

const POLL_MS = 700;

function statLine(file: string): string {
  try {
    const s = fs.statSync(file);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return '-';
  }
}

function listFiles(dir: string, depth = 0): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return depth < 4 ? listFiles(full, depth + 1) : [];
    return [full];
  });
}

export function diskSignature(root: string, gitdir: string): string {
  const hash = crypto.createHash('sha256');
  let names: string[] = [];
  try {
    names = fs.readdirSync(root).filter((n) => n.endsWith('.nbflow')).sort();
  } catch {
    // the folder went away: the signature says so
  }
  for (const name of names) hash.update(`${name}=${statLine(path.join(root, name))}\n`);
  for (const file of [...listFiles(path.join(gitdir, 'refs', 'heads')), path.join(gitdir, 'packed-refs')].sort()) {
    let content = '';
    try {
      content = fs.readFileSync(file, 'utf8');
    } catch {
      content = '-';
    }
    hash.update(`${path.relative(gitdir, file)}=${content}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

export class DiskFollower {
  private signature: string;
  private readonly clients = new Set<ServerResponse>();
  private readonly watchers: fs.FSWatcher[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly root: string,
    private readonly gitdir: string,
  ) {
    this.signature = diskSignature(root, gitdir);
    for (const dir of [root, gitdir, path.join(gitdir, 'refs', 'heads')]) {
      try {
        this.watchers.push(fs.watch(dir, { persistent: false }, () => this.check()));
      } catch {
        // not watchable here: the poll still sees changes
      }
    }
    this.timer = setInterval(() => this.check(), POLL_MS);
    this.timer.unref();
  }

  get current(): string {
    return this.signature;
  }

  check(): void {
    const next = diskSignature(this.root, this.gitdir);
    if (next === this.signature) return;
    this.signature = next;
    for (const res of this.clients) res.write(`event: change\ndata: ${JSON.stringify({ signature: next })}\n\n`);
  }

  /** Keeps `res` open as an event stream until the page goes away. */
  subscribe(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
    res.write(`event: hello\ndata: ${JSON.stringify({ signature: this.signature })}\n\n`);
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  close(): void {
    clearInterval(this.timer);
    for (const w of this.watchers) w.close();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
