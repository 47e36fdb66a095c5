// Property-based runs through the library: random sequences of commit/wipe/bump/restore/undo (and
// the user's edits, some hostile) on a freshly tracked generated workflow. After every step the
// working file equals the head's bytes; at the end: nbv verify passes, parent + patch = child
// (checked here with an independent patch applier), the backups/ view equals the history, every
// recorded state restores byte-exact, and no prototype was touched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { bump, checkBackups, commit, initProject, isNbvError, restore, track, undo, verify, wipe, type NodeSelector, type Project } from '../../../src/index.js';
import { changeModel, editPrompt, fillCache, generateWorkflow, serialize, type GeneratedWorkflow } from '../../../fixtures/generator.js';
import { HARNESS_ENV, historyOf } from './project.js';

export type Step =
  | { kind: 'edit'; what: 'prompt' | 'model' | 'fill'; node: number; text: string }
  | { kind: 'hostile'; key: '__proto__' | 'constructor' | 'prototype' }
  | { kind: 'commit' }
  | { kind: 'wipe'; nodes: number[]; all: boolean }
  | { kind: 'bump' }
  | { kind: 'restore'; back: number }
  | { kind: 'undo' };

const NODE_IDS = ['img-s01', 'vid-s01', 'img-s02', 'vid-s02', 'img-s03', 'vid-s03'];

export const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('edit' as const), what: fc.constantFrom('prompt' as const, 'model' as const, 'fill' as const), node: fc.nat(5), text: fc.string({ maxLength: 40, unit: 'grapheme' }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('hostile' as const), key: fc.constantFrom('__proto__' as const, 'constructor' as const, 'prototype' as const) }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'commit' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wipe' as const), nodes: fc.uniqueArray(fc.nat(5), { minLength: 1, maxLength: 3 }), all: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bump' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('restore' as const), back: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'undo' as const }) },
);

const prototypes = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const prototypeShape = () => prototypes.map((p) => Object.getOwnPropertyNames(p).sort().join(',')).join('|');

function userEdit(text: string, step: Extract<Step, { kind: 'edit' }>): string {
  const doc = JSON.parse(text) as GeneratedWorkflow;
  const node = NODE_IDS[step.node]!;
  const edited =
    step.what === 'prompt'
      ? editPrompt(doc, node, `${step.text} cinematic take`)
      : step.what === 'model'
        ? changeModel(doc, doc.settings.defaultModel, doc.settings.defaultModel === 'NB2' ? 'NB1' : 'NB2')
        : fillCache(doc, [node], step.text.length + step.node);
  return serialize(edited, 'two-space');
}

/** A hostile key spliced into the first node's data: nbv must refuse it and change nothing. */
function hostileEdit(text: string, key: string): string {
  return text.replace('"data": {', `"data": {\n"${key}": {"polluted": "yes", "prototype": {"polluted": "yes"}},`);
}

// An RFC 6902 applier written here, independent of the fast-json-patch nbv uses.
function applyIndependently(doc: unknown, patch: Array<{ op: string; path: string; value?: unknown }>): unknown {
  const root = { v: structuredClone(doc) } as Record<string, unknown>;
  for (const op of patch) {
    const tokens = op.path === '' ? [] : op.path.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    let parent: Record<string, unknown> | unknown[] = root;
    let key: string = 'v';
    for (const token of tokens) {
      parent = (parent as Record<string, unknown>)[key] as Record<string, unknown>;
      key = token;
    }
    if (Array.isArray(parent)) {
      const index = key === '-' ? parent.length : Number(key);
      if (op.op === 'add') parent.splice(index, 0, op.value);
      else if (op.op === 'remove') parent.splice(index, 1);
      else if (op.op === 'replace') parent[index] = op.value;
      else throw new Error(`unexpected op ${op.op}`);
    } else if (op.op === 'add' || op.op === 'replace') {
      Object.defineProperty(parent, key, { value: op.value, enumerable: true, writable: true, configurable: true });
    } else if (op.op === 'remove') delete parent[key];
    else throw new Error(`unexpected op ${op.op}`);
  }
  return root['v'];
}

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );

const EXPECTED = new Set(['NOTHING_TO_DO', 'UNKNOWN_REF']);

async function runStep(project: Project, workflow: string, step: Step, file: () => string): Promise<void> {
  const message = `property step ${step.kind}`;
  try {
    switch (step.kind) {
      case 'edit':
        fs.writeFileSync(file(), userEdit(fs.readFileSync(file(), 'utf8'), step));
        return;
      case 'hostile': {
        const before = fs.readFileSync(file());
        const head = await project.store.resolveRef(`refs/heads/${workflow}`);
        fs.writeFileSync(file(), hostileEdit(before.toString('utf8'), step.key));
        const refused = await commit(project, { workflow, message }).then(() => null, (err: unknown) => err);
        if (!isNbvError(refused) || refused.exitStatus !== 2) throw new Error(`a ${step.key} key was not refused: ${String(refused)}`);
        if ((await project.store.resolveRef(`refs/heads/${workflow}`)) !== head) throw new Error('a refused commit moved the head');
        fs.writeFileSync(file(), before);
        return;
      }
      case 'commit':
        await commit(project, { workflow, message });
        return;
      case 'wipe': {
        const selector: NodeSelector = step.all ? { all: true } : { nodes: step.nodes.map((n) => NODE_IDS[n]!) };
        await wipe(project, { workflow, selector, message });
        return;
      }
      case 'bump':
        await bump(project, { workflow, message });
        return;
      case 'restore':
        await restore(project, { workflow, ref: `HEAD~${step.back}`, message, cwd: project.root });
        return;
      case 'undo':
        await undo(project, { workflow, message });
        return;
    }
  } catch (err) {
    if (isNbvError(err) && EXPECTED.has(err.code)) return;
    throw err;
  }
}

/** One property run; throws (with the step that broke) when an invariant fails. */
export async function checkSequence(steps: Step[]): Promise<void> {
  const shape = prototypeShape();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nbv-prop-'));
  try {
    const workflow = 'PROP';
    fs.writeFileSync(path.join(root, 'PROP-V0-1.nbflow'), serialize(generateWorkflow({ name: workflow, tabs: 1, scenesPerTab: 3, seed: 11, promptLength: [40, 120], outputsPerNode: [1, 3] }), 'two-space'));
    const project = await initProject(root, { env: HARNESS_ENV });
    await track(project, { file: path.join(root, 'PROP-V0-1.nbflow') });
    let headFile = 'PROP-V0-1.nbflow';
    // The user's edit not yet recorded (steps that refuse early, like a restore of a ref that does
    // not exist, leave it); otherwise the working file must hold the head's bytes exactly.
    let unrecorded: Buffer | null = null;
    for (const [i, step] of steps.entries()) {
      await runStep(project, workflow, step, () => path.join(root, headFile));
      const history = await historyOf(root, workflow);
      const head = history.at(-1)!;
      headFile = head.file;
      const working = fs.readFileSync(path.join(root, headFile));
      const recorded = await project.store.readBlob(head.blob);
      if (step.kind === 'edit') unrecorded = working;
      else if (Buffer.compare(working, recorded) === 0) unrecorded = null;
      else if (unrecorded === null || Buffer.compare(working, unrecorded) !== 0) throw new Error(`after step ${i} (${step.kind}) the working file is neither the head nor the user's edit`);
      if (prototypeShape() !== shape || ({} as Record<string, unknown>)['polluted'] !== undefined) throw new Error(`step ${i} (${step.kind}) changed a prototype`);
    }
    const report = await verify(project);
    if (!report.ok) throw new Error(`nbv verify: ${report.problems.map((p) => `${p.code} ${p.detail}`).join('; ')}`);
    const history = await historyOf(root, workflow);
    let parentDoc: unknown = {};
    for (const entry of history) {
      const stored = await project.store.readCommit(entry.commit);
      const tree = await project.store.readTree(stored.tree);
      const patch = JSON.parse(new TextDecoder().decode(await project.store.readBlob(tree['patch.json']!))) as Array<{ op: string; path: string }>;
      const doc = JSON.parse(new TextDecoder().decode(await project.store.readBlob(entry.blob))) as unknown;
      if (canonical(applyIndependently(parentDoc, patch)) !== canonical(doc)) throw new Error(`parent + patch != child at ${entry.commit} (${entry.op})`);
      parentDoc = doc;
    }
    const view = await checkBackups(project);
    if (!view.ok) throw new Error(`backups/ view differs from history: ${JSON.stringify(view).slice(0, 300)}`);
    // Every distinct recorded state comes back byte for byte.
    const states = [...new Map(history.map((h) => [h.blob, h])).values()];
    for (const state of states) {
      await restore(project, { workflow, ref: state.commit, cwd: root });
      const head = (await historyOf(root, workflow)).at(-1)!;
      const bytes = new Uint8Array(fs.readFileSync(path.join(root, head.file)));
      if (Buffer.compare(bytes, await project.store.readBlob(state.blob)) !== 0) throw new Error(`restore ${state.commit} is not byte-exact`);
    }
    if (prototypeShape() !== shape) throw new Error('a prototype was changed');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

export function sequenceProperty(maxSteps: number) {
  return fc.asyncProperty(fc.array(stepArbitrary, { minLength: 1, maxLength: maxSteps }), checkSequence);
}
