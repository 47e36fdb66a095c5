// The child process of the crash and concurrency harnesses. It performs random nbv operations on
// one project through the library and appends one JSON line per step to an acknowledgement log,
// written with a plain write(2) before and after each step: a SIGKILL cannot take back a line that
// was written, so the parent knows exactly what was promised when it killed us.
// Bundled by harness/build.ts (esbuild) so that it starts as fast as plain node.
import fs from 'node:fs';
import path from 'node:path';
import { bump, commit, log, openProject, restore, undo, wipe, isNbvError, type Project } from '../../../src/index.js';
import { hashBlob } from '../../../src/store/index.js';
import type { NodeSelector } from '../../../src/nbflow/types.js';
import { Rng } from '../../../fixtures/generator.js';
import { CRASH_POINTS, editWorkflowText, type AckLine, type DriverConfig, type OpKind } from './protocol.js';

const config = JSON.parse(process.argv[2] ?? '{}') as DriverConfig;
const rng = new Rng(config.seed);
const ackFd = fs.openSync(config.ack, 'a');
const ack = (line: AckLine) => fs.writeSync(ackFd, JSON.stringify(line) + '\n');

/** Refusals a correct nbv may give under these operations; anything else is a failure. */
const EXPECTED_REFUSALS = new Set(['LOCKED', 'NOTHING_TO_DO', 'UNKNOWN_REF', 'UNCOMMITTED_CHANGES']);

interface Head {
  commit: string;
  file: string;
}

async function head(project: Project): Promise<Head> {
  const [item] = await log(project, { workflow: config.workflow, limit: 1 });
  return { commit: item!.commit, file: item!.file };
}

function fileBlob(project: Project, file: string): string | null {
  try {
    return hashBlob(new Uint8Array(fs.readFileSync(path.join(project.root, file))));
  } catch {
    return null;
  }
}

/** The text the editor last read or saved, and from which file: what it has open. */
let open: { file: string; text: string } | null = null;

/** What an editor does: new bytes, written atomically (an editor's save is not nbv's business).
 * The read happens outside nbv's lock, so another process's bump may have renamed the file a
 * moment ago: the editor then saves what it has open under the old name, as a real editor does,
 * leaving edits in a retired file (issue 15 item 3) that `commit` must take in and nothing loses. */
function writeEdit(project: Project, i: number, file: string): void {
  let target = path.join(project.root, file);
  let current: string;
  let retired = false;
  try {
    current = fs.readFileSync(target, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || open === null) return;
    target = path.join(project.root, open.file);
    current = open.text;
    file = open.file;
    retired = true;
  }
  const text = editWorkflowText(current, rng.next(), i);
  const bytes = new TextEncoder().encode(text);
  ack({ t: 'edit', i, path: file, blob: hashBlob(bytes), ...(retired ? { retired } : {}) });
  const temp = `${target}.driver-${process.pid}`;
  fs.writeFileSync(temp, bytes);
  fs.renameSync(temp, target);
  open = { file, text };
}

/** The working file's text, or '' when a bump renamed it between reading the head and now. */
function readText(project: Project, file: string): string {
  try {
    return fs.readFileSync(path.join(project.root, file), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

function generationNodeIds(text: string): string[] {
  return [...text.matchAll(/"id": "((?:img|vid)-[^"]+)"/g)].map((m) => m[1]!);
}

function randomSelector(text: string): NodeSelector {
  const ids = generationNodeIds(text);
  const roll = rng.next();
  if (roll < 0.05 || ids.length === 0) return { all: true };
  if (roll < 0.15) return { kinds: [rng.next() < 0.5 ? 'image' : 'video'] };
  const count = 1 + Math.floor(rng.next() * 3);
  return { nodes: [...new Set(Array.from({ length: count }, () => ids[Math.floor(rng.next() * ids.length)]!))] };
}

function pickOp(): OpKind {
  const weights: Array<[OpKind, number]> =
    config.role === 'editor'
      ? [['commit', 1]]
      : config.role === 'worker'
        ? [['commit', 1], ['wipe', 3], ['bump', 1], ['restore', 2], ['undo', 2]]
        : [['edit', 2], ['commit', 3], ['wipe', 3], ['bump', 1], ['restore', 2], ['undo', 2]];
  let roll = rng.next() * weights.reduce((sum, [, w]) => sum + w, 0);
  for (const [op, w] of weights) if ((roll -= w) < 0) return op;
  return 'commit';
}

/** The commits an operation created, as its result reports them. */
async function perform(project: Project, op: OpKind, i: number): Promise<Array<string | null | undefined>> {
  const h = await head(project);
  const message = `driver ${process.pid} op ${i}`;
  switch (op) {
    case 'edit':
      writeEdit(project, i, h.file);
      return [];
    case 'commit': {
      // The editor only types over bytes that are recorded: its own unrecorded edit is committed first.
      const working = fileBlob(project, h.file);
      const headBlob = (await project.store.readTree(h.commit))[path.basename(h.file)];
      if (config.role !== 'worker' && working === headBlob) writeEdit(project, i, h.file);
      const r = await commit(project, { workflow: config.workflow, message });
      return [r.recorded ? r.entry.commit : null];
    }
    case 'wipe': {
      const text = readText(project, h.file);
      const r = await wipe(project, { workflow: config.workflow, selector: randomSelector(text), message });
      return [r.savedCommit, r.bump?.entry.commit, r.entry?.commit];
    }
    case 'bump': {
      const r = await bump(project, { workflow: config.workflow, message });
      return [r.entry.commit];
    }
    case 'restore': {
      const k = 1 + Math.floor(rng.next() * 3);
      const r = await restore(project, { workflow: config.workflow, ref: `HEAD~${k}`, message });
      return [r.savedCommit, r.entry?.commit];
    }
    case 'undo': {
      const r = await undo(project, { workflow: config.workflow, message });
      return [r.savedCommit, r.entry?.commit];
    }
  }
}

async function main(): Promise<void> {
  const project = await openProject(config.root, {
    env: { ...process.env, NBV_AUTHOR: `Driver ${process.pid} <driver@example.com>` },
    lockWaitMs: config.lockWaitMs,
  });
  ack({ t: 'ready', pid: process.pid });
  process.stdout.write('ready\n');
  for (let i = 0; i < config.ops; i++) {
    const op = pickOp();
    const crashAt = rng.next() < config.crashChance ? CRASH_POINTS[Math.floor(rng.next() * CRASH_POINTS.length)]! : undefined;
    if (crashAt) process.env['NBV_CRASH_AT'] = crashAt;
    else delete process.env['NBV_CRASH_AT'];
    ack({ t: 'start', i, op, ...(crashAt ? { crashAt } : {}) });
    try {
      const commits = (await perform(project, op, i)).filter((c): c is string => typeof c === 'string');
      const h = await head(project);
      ack({ t: 'ack', i, op, commits, head: h.commit, file: h.file, working: fileBlob(project, h.file) });
    } catch (err) {
      if (isNbvError(err) && EXPECTED_REFUSALS.has(err.code)) {
        const h = await head(project);
        ack({ t: 'refused', i, op, code: err.code, message: err.message, head: h.commit, file: h.file, working: fileBlob(project, h.file) });
        continue;
      }
      const message = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
      ack({ t: 'fail', i, op, code: isNbvError(err) ? err.code : 'UNEXPECTED', message });
      process.exitCode = 3;
      return;
    }
  }
  delete process.env['NBV_CRASH_AT'];
}

await main();
