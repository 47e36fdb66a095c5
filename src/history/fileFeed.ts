// Noticing that files changed, for the processes that follow the working files while something
// else writes them (`nbv watch`, and `nbv run` keeping its runner's last complete save).
//
// Node's own fs.watch, on the folders rather than the files: an editor that saves by writing a
// new file and renaming it over the old one replaces the inode a file watch would be attached to,
// while a folder watch sees the rename (inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW
// on Windows). Events only say "look now": what changed is decided by comparing each file's stat
// (size, mtime, ctime, inode) with the last one seen, and a slow poll does the same in case events
// never come (network drives, some container mounts). The set of files is asked for again at each
// look, so a bump that renames the working file is followed. chokidar would bring the same two
// mechanisms (plus an "awaitWriteFinish" heuristic we replace with a stronger test: a save counts
// only once the file parses), at the cost of a dependency; see docs/runner.md.
import fs from 'node:fs';
import path from 'node:path';

export interface FileFeed {
  /** Looks at every file now (what an event or a poll tick does). */
  check(): void;
  close(): void;
}

export interface FileFeedOptions {
  /** Absolute paths to follow; asked again at each look. */
  targets: () => string[];
  /** Called once per change seen (a file that appears, changes or goes away). */
  onChange: (file: string) => void;
  pollMs?: number;
}

const signature = (file: string): string => {
  try {
    const s = fs.statSync(file);
    return `${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.ino}`;
  } catch {
    return 'missing';
  }
};

export function followFiles(options: FileFeedOptions): FileFeed {
  const seen = new Map<string, string>();
  const watchers = new Map<string, fs.FSWatcher>();
  let closed = false;
  const named = new Set<string>();

  const check = (): void => {
    if (closed) return;
    const targets = options.targets();
    const folders = new Set(targets.map((t) => path.dirname(t)));
    for (const folder of folders) if (!watchers.has(folder)) watchFolder(folder);
    for (const [folder, watcher] of watchers) {
      if (!folders.has(folder)) {
        watcher.close();
        watchers.delete(folder);
      }
    }
    for (const file of targets) {
      const now = signature(file);
      const before = seen.get(file);
      seen.set(file, now);
      // An event naming the file counts even when the stat looks the same (a rewrite within one
      // clock tick); the first look only learns the signature.
      if ((before !== undefined && before !== now) || named.has(file)) options.onChange(file);
    }
    named.clear();
  };

  const watchFolder = (folder: string): void => {
    try {
      const watcher = fs.watch(folder, { persistent: true }, (_event, name) => {
        if (name) named.add(path.join(folder, name.toString()));
        check();
      });
      watcher.on('error', () => {
        watcher.close();
        watchers.delete(folder); // the poll goes on; the next look watches again
      });
      watchers.set(folder, watcher);
    } catch {
      // no events for this folder (gone, or not watchable): the poll covers it
    }
  };

  const timer = setInterval(check, options.pollMs ?? 500);
  check();
  return {
    check,
    close() {
      closed = true;
      clearInterval(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
