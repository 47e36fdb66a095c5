// `nbv watch [WORKFLOW]...`: records each save of the working files as it happens, so the states
// between two `nbv commit`s are in history too. A save is recorded like `nbv commit` records it
// (op `commit`, each node's change classified, intent.auto = 'watch'), once the file has been
// quiet for `debounceMs` and only if it parses: an editor half-way through writing is waited for,
// never recorded. Each recording takes the project lock and lets it go, so any other command (a
// `wipe` from another terminal) runs while watch does; the working file is read again under the
// lock, so a save that another command recorded first is not recorded twice. The file followed is
// the head's, looked up again and again, so a bump (here or elsewhere) moves the watch to the new
// file. A workflow whose runner is under `nbv run` is left to the run, which records it as one
// operation. history/fileFeed.ts says how changes are noticed (and why fs.watch, not chokidar).
import { NbvError } from '../errors.js';
import { parseNbflow, type DocumentDiff } from '../nbflow/index.js';
import { followFiles } from '../history/fileFeed.js';
import type { HistoryEntry } from '../history/history.js';
import { liveMarkers, writeMarker } from '../history/liveMarkers.js';
import { recordWorkingFile, underLock } from '../history/mutation.js';
import { absolutePath, type Project } from '../history/project.js';
import { listWorkflowNames, loadWorkflow, readWorkingFile, resolveWorkflow } from '../history/workflows.js';

export interface WatchOptions {
  /** Workflows to watch; none: every workflow, including ones tracked while it runs. */
  workflows?: string[];
  /** Quiet time after the last change before a save is read (default 300 ms). */
  debounceMs?: number;
  /** How often files are looked at without an event, and heads looked up (default 500 ms). */
  pollMs?: number;
  onRecord?: (event: WatchRecord) => void;
  /** A save seen but not recorded, and why (half-written, a run in progress, the lock busy). */
  onSkip?: (event: { workflow: string; reason: string }) => void;
}

export interface WatchRecord {
  workflow: string;
  entry: HistoryEntry;
  diff: DocumentDiff;
}

export interface WatchHandle {
  /** The workflows being watched now. */
  workflows(): string[];
  /** Stops watching once a recording in progress is done; resolves with what was recorded. */
  stop(): Promise<{ recorded: number }>;
}

export async function watch(project: Project, options: WatchOptions = {}): Promise<WatchHandle> {
  const named: string[] = [];
  for (const w of options.workflows ?? []) named.push((await resolveWorkflow(project, w)).name);
  const debounceMs = options.debounceMs ?? 300;
  const pollMs = options.pollMs ?? 500;
  const files = new Map<string, string>(); // workflow -> absolute working file
  const refresh = async (): Promise<void> => {
    const names = named.length ? named : await listWorkflowNames(project);
    for (const name of names) {
      const wf = await loadWorkflow(project, name).catch(() => null);
      if (wf) files.set(name, absolutePath(project, wf.head.op.file));
    }
  };
  await refresh();
  const removeMarker = await writeMarker(project, 'watch', named);

  let recorded = 0;
  let stopped = false;
  let queue: Promise<void> = Promise.resolve();
  const timers = new Map<string, NodeJS.Timeout>();
  const skip = (workflow: string, reason: string) => options.onSkip?.({ workflow, reason });

  const recordSave = async (name: string): Promise<void> => {
    if (stopped) return;
    if ((await liveMarkers(project, 'run')).some((m) => m.workflows.includes(name))) return skip(name, `'nbv run' is running it and records what its runner saves`);
    try {
      const result = await underLock(project, async () => {
        const wf = await loadWorkflow(project, name);
        const working = await readWorkingFile(project, wf);
        if (working.kind !== 'modified') return null;
        try {
          parseNbflow(working.bytes, wf.head.op.file);
        } catch {
          skip(name, `${wf.head.op.file} does not parse (a save in progress?); waiting for the next one`);
          return null;
        }
        return recordWorkingFile(project, wf, working.bytes, `saved while watched`, { auto: 'watch' });
      });
      if (result) {
        recorded++;
        options.onRecord?.({ workflow: name, entry: result.entry, diff: result.diff });
      }
    } catch (err) {
      if (!(err instanceof NbvError)) throw err;
      // The lock stayed busy, or the store refused: say so and try again at the next change.
      skip(name, err.message);
      if (err.code === 'LOCKED') schedule(name);
    }
    files.set(name, absolutePath(project, (await loadWorkflow(project, name)).head.op.file));
  };

  const schedule = (name: string): void => {
    if (stopped) return;
    clearTimeout(timers.get(name));
    timers.set(
      name,
      setTimeout(() => {
        timers.delete(name);
        queue = queue.then(() => recordSave(name)).catch((err) => skip(name, `unexpected: ${(err as Error).message}`));
      }, debounceMs),
    );
  };

  const feed = followFiles({
    targets: () => [...files.values()],
    onChange: (file) => {
      for (const [name, f] of files) if (f === file) schedule(name);
    },
    pollMs,
  });
  // Edits saved before the watch started are recorded at once, like any save.
  for (const name of files.keys()) schedule(name);
  // Heads move under us (a bump here or in another terminal): follow the file they name now.
  let refreshing = false;
  const headTimer = setInterval(() => {
    if (refreshing || stopped) return;
    refreshing = true;
    void refresh()
      .then(() => feed.check())
      .finally(() => (refreshing = false));
  }, pollMs);

  return {
    workflows: () => [...files.keys()],
    async stop() {
      stopped = true;
      clearInterval(headTimer);
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      feed.close();
      await queue;
      await removeMarker();
      return { recorded };
    },
  };
}
