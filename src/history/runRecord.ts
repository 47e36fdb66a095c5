// Recording what a runner did (`nbv run`): one `run` operation on top of the head, holding the
// working file as the runner left it, or, when the runner died in the middle of writing it, the
// last complete save it made (a half-written file is never recorded; its bytes are kept beside
// the working file, which gets the last complete save back). Callers hold the lock.
import { NbvError } from '../errors.js';
import { diffDocuments, parseNbflow, type NbflowDocument, type ParsedNbflow } from '../nbflow/index.js';
import { hashBlob, writeFileAtomic } from '../store/index.js';
import { readStateBytes, type HistoryEntry } from './history.js';
import type { OpRecord } from './opRecord.js';
import { absolutePath, type Project } from './project.js';
import { recordState } from './record.js';
import { loadWorkflow } from './workflows.js';
import fs from 'node:fs/promises';

export type RunIntent = NonNullable<OpRecord['intent']['run']>;

export interface RunOutcome {
  command: string[];
  clean: boolean;
  planned: string[];
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** The working file's state when the run started (after --clean's wipe). */
  startDoc: NbflowDocument;
  /** The last bytes of the working file seen to parse while the runner ran (or the start bytes). */
  lastGood: Uint8Array;
  message?: string;
}

export interface RunRecorded {
  entry: HistoryEntry;
  intent: RunIntent;
  /** Where the half-written bytes the runner left were put, when it left some. */
  partialFile: string | null;
}

const FILLING = new Set(['cache-filled', 'cache-changed', 'added']);

/** The bytes a run leaves: the working file if it parses, else the last complete save. */
async function finalState(project: Project, file: string, lastGood: Uint8Array): Promise<{ parsed: ParsedNbflow; fromLastGood: boolean; broken: Uint8Array | null }> {
  let bytes: Uint8Array | null = null;
  try {
    bytes = new Uint8Array(await fs.readFile(absolutePath(project, file)));
    return { parsed: parseNbflow(bytes, file), fromLastGood: false, broken: null };
  } catch (err) {
    // Half-written (does not parse) or gone (a rename the runner never made): the last complete save.
    if (!(err instanceof NbvError) && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return { parsed: parseNbflow(lastGood, file), fromLastGood: true, broken: bytes };
  }
}

export async function recordRun(project: Project, workflow: string, outcome: RunOutcome): Promise<RunRecorded> {
  const wf = await loadWorkflow(project, workflow);
  const file = wf.head.op.file;
  const { parsed, fromLastGood, broken } = await finalState(project, file, outcome.lastGood);
  const changed = diffDocuments(outcome.startDoc, parsed.doc, project.config).nodes;
  const filled = changed.filter((n) => n.changes.some((c) => FILLING.has(c.kind))).map((n) => n.node);
  const filledSet = new Set(filled);
  const intent: RunIntent = {
    command: outcome.command,
    clean: outcome.clean,
    planned: outcome.planned,
    filled,
    unfilled: outcome.planned.filter((id) => !filledSet.has(id)),
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    durationMs: Math.max(0, Math.round(outcome.durationMs)),
    interrupted: outcome.exitCode !== 0,
    lastCompleteSave: fromLastGood,
  };
  const how = intent.interrupted ? ` (interrupted: ${intent.signal ?? `exit ${intent.exitCode}`}${intent.lastCompleteSave ? ', last complete save' : ''})` : '';
  const result = await recordState(project, {
    workflow: wf.name,
    parent: wf.head,
    op: 'run',
    version: wf.head.op.version,
    file,
    parsed,
    message: outcome.message ?? `run ${outcome.command.join(' ').slice(0, 80)}: filled ${filled.length} of ${outcome.planned.length} planned nodes${how}`,
    intent: { run: intent },
    view: [],
    writeWorkingFile: false,
  });

  let partialFile: string | null = null;
  if (fromLastGood) {
    // The runner's half-written bytes are no state anyone made on purpose, but they are bytes the
    // user had: they go beside the file, and the working file gets the recorded save back so that
    // the next run (and every command) can read it.
    if (broken !== null) {
      partialFile = `${file}.partial`;
      for (let n = 2; await exists(project, partialFile); n++) partialFile = `${file}.partial-${n}`;
      await writeFileAtomic(absolutePath(project, partialFile), broken);
    }
    const now = await fs.readFile(absolutePath(project, file)).catch(() => null);
    if (now === null || (broken !== null && hashBlob(new Uint8Array(now)) === hashBlob(broken))) {
      await writeFileAtomic(absolutePath(project, file), await readStateBytes(project, result.entry));
    }
  }
  return { entry: result.entry, intent, partialFile };
}

async function exists(project: Project, relative: string): Promise<boolean> {
  return fs.access(absolutePath(project, relative)).then(() => true, () => false);
}
