// `nbv run [--clean] -- CMD ...`: the Generation Runner under nbv. Before: the state is recorded
// (unsaved edits as a commit; with --clean, the seed's clean mode: bump, then wipe every cache),
// and the plan is written for the runner. During: the runner runs with its output streamed and
// without the project lock (a full pass takes 30-45 minutes; other commands must not wait), while
// nbv keeps the last complete save it sees. After: one `run` operation records what the runner
// left, or its last complete save if it died in the middle of writing (history/runRecord.ts).
// docs/runner.md is the runner's side of the contract.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import { NbvError } from '../errors.js';
import { parseNbflow, type NbflowDocument } from '../nbflow/index.js';
import type { BumpResult } from '../history/bumpState.js';
import { recordCleanStart } from '../history/cleanStart.js';
import { followFiles } from '../history/fileFeed.js';
import type { HistoryEntry } from '../history/history.js';
import { planFilePath, writeMarker } from '../history/liveMarkers.js';
import { requireWorkingFile, saveUncommittedState, underLock } from '../history/mutation.js';
import { absolutePath, type Project } from '../history/project.js';
import { recordRun, type RunIntent } from '../history/runRecord.js';
import { planState, type PlanResult } from '../history/runPlan.js';
import { loadWorkflowState, type WorkflowState } from '../history/workflowState.js';

export interface RunOptions {
  workflow?: string;
  clean?: boolean;
  /** The runner: program and arguments. */
  command: string[];
  message?: string;
  /** Pass SIGINT, SIGTERM and SIGHUP that this process receives on to the runner (the CLI does). */
  forwardSignals?: boolean;
  /** More environment for the runner. */
  env?: NodeJS.ProcessEnv;
  /** The runner's stdio; `inherit` (default) streams its output. */
  stdio?: 'inherit' | 'ignore';
  /** Called once the state before is recorded, just before the runner starts. */
  onStart?: (start: RunStart) => void;
}

export interface RunStart {
  workflow: string;
  /** The working file, project-relative (after --clean's bump, the new version's). */
  file: string;
  plan: PlanResult;
  /** The commit that recorded unsaved edits first. */
  savedCommit: string | null;
  bump: BumpResult | null;
  wipe: HistoryEntry | null;
  wipeBackup: string | null;
}

export interface RunResult extends RunStart {
  entry: HistoryEntry;
  run: RunIntent;
  /** Where the runner's half-written bytes were kept, when it died writing. */
  partialFile: string | null;
  /** What `nbv run` exits with: the runner's status, 128 + signal number for a signal. */
  exitStatus: number;
}

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export async function run(project: Project, options: RunOptions): Promise<RunResult> {
  if (options.command.length === 0 || !options.command[0]) throw new NbvError('BAD_USAGE', `say what to run: nbv run -- CMD [ARG...]`);
  const before = await underLock(project, () => prepare(project, options));
  const { start, startDoc, startBytes, planFile } = before;
  options.onStart?.(start);

  const removeMarker = await writeMarker(project, 'run', [start.workflow]);
  const fileAbs = absolutePath(project, start.file);
  let lastGood = startBytes;
  const keepIfComplete = async (): Promise<void> => {
    const bytes = await fs.readFile(fileAbs).catch(() => null);
    if (bytes === null) return;
    try {
      parseNbflow(new Uint8Array(bytes), start.file);
      lastGood = new Uint8Array(bytes);
    } catch {
      // mid-write: the next change will tell
    }
  };
  let reading = Promise.resolve();
  const feed = followFiles({ targets: () => [fileAbs], onChange: () => void (reading = reading.then(keepIfComplete)), pollMs: 200 });

  const started = performance.now();
  let exit: { code: number | null; signal: NodeJS.Signals | null };
  try {
    exit = await spawnRunner(project, options, start, planFile);
  } catch (err) {
    feed.close();
    await removeMarker();
    await fs.rm(planFile, { force: true });
    throw err;
  }
  const durationMs = performance.now() - started;
  feed.check();
  feed.close();
  await reading;
  await keepIfComplete();
  await fs.rm(planFile, { force: true });

  try {
    const recorded = await underLock(project, () =>
      recordRun(project, start.workflow, {
        command: options.command,
        clean: options.clean ?? false,
        planned: start.plan.regenerate.map((item) => item.node),
        exitCode: exit.code,
        signal: exit.signal,
        durationMs,
        startDoc,
        lastGood,
        ...(options.message === undefined ? {} : { message: options.message }),
      }),
    );
    const signo = exit.signal ? (os.constants.signals[exit.signal] ?? 0) : 0;
    return { ...start, entry: recorded.entry, run: recorded.intent, partialFile: recorded.partialFile, exitStatus: exit.signal ? 128 + signo : (exit.code ?? 1) };
  } finally {
    await removeMarker();
  }
}

interface Prepared {
  start: RunStart;
  startDoc: NbflowDocument;
  startBytes: Uint8Array;
  planFile: string;
}

async function prepare(project: Project, options: RunOptions): Promise<Prepared> {
  const named = await loadWorkflowState(project, options.workflow);
  requireWorkingFile(named, named.working);
  let state: WorkflowState;
  let savedCommit: string | null = null;
  let bump: BumpResult | null = null;
  let wipe: HistoryEntry | null = null;
  let wipeBackup: string | null = null;
  if (options.clean) {
    const clean = await recordCleanStart(project, named);
    ({ bump, wipe, backup: wipeBackup, state } = clean);
  } else {
    ({ state, savedCommit } = await saveUncommittedState(project, named, 'run'));
  }
  const wf = state;
  const plan = await planState(project, state);
  const planFile = planFilePath(project, wf.name);
  await fs.writeFile(planFile, JSON.stringify(plan, null, 2) + '\n');
  return {
    start: { workflow: wf.name, file: wf.head.op.file, plan, savedCommit, bump, wipe, wipeBackup },
    startDoc: (await wf.headDocument()).doc,
    startBytes: (await wf.headDocument()).bytes,
    planFile,
  };
}

function spawnRunner(project: Project, options: RunOptions, start: RunStart, planFile: string): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const [program, ...args] = options.command as [string, ...string[]];
  return new Promise((resolve, reject) => {
    // Its own process group: a Ctrl-C in the terminal reaches nbv alone, which passes it on once
    // (to the whole group, so the runner's own children get it too), rather than the runner
    // receiving it twice.
    const child = spawn(program, args, {
      cwd: project.root,
      stdio: options.stdio ?? 'inherit',
      detached: true,
      env: {
        ...process.env,
        ...options.env,
        NBV_PLAN: planFile,
        NBV_FILE: absolutePath(project, start.file),
        NBV_WORKFLOW: start.workflow,
        NBV_PROJECT: project.root,
      },
    });
    const forward = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        child.kill(signal);
      }
    };
    const handlers = options.forwardSignals ? FORWARDED.map((s) => [s, () => forward(s)] as const) : [];
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const done = () => handlers.forEach(([signal, handler]) => process.off(signal, handler));
    child.once('error', (err) => {
      done();
      reject(new NbvError('BAD_USAGE', `cannot start the runner '${program}': ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    });
    child.once('exit', (code, signal) => {
      done();
      resolve({ code, signal });
    });
  });
}
