// The index of op records (src/engine/historyIndex.ts) is derived data: whatever state it is in,
// log and REF resolution must answer exactly what a walk of every commit answers. Checked on a
// realistic history (fixtures generator, replayed through the real operations), against the
// walk, after new commits, after the real git moves the branch, and with the file damaged.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateHistory, serialize } from '../../fixtures/generator.js';
import { bump, commit, initProject, log, openProject, restore, track, undo, wipe, type LogOptions, type Project } from '../../src/index.js';
import { listEntries, type HistoryEntry } from '../../src/history/history.js';
import { COMPLETE_AFTER, historyIndexMeta, indexedAncestor, REWRITE_AFTER, REWRITE_AFTER_NODES, rowOf, type IndexRow } from '../../src/history/historyIndex.js';
import { decodeHistoryIndex, encodeHistoryIndex } from '../../src/history/historyIndexFormat.js';
import { resolveStateRef } from '../../src/history/resolveRef.js';
import { resolveWorkflow } from '../../src/history/workflows.js';
import { git, removeDir, tempDir } from '../helpers/cli.js';

const CONTEXT = { author: 'Jane Tester <jane@example.com>', env: { NBV_NOW: '2026-05-12T10:15:00+02:00', NBV_GC_AUTO: '0' } };
const WORKFLOW = 'XYZG3';
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

let base: string;

/** The working file of the branch head, absolute. */
async function workingFile(project: Project): Promise<string> {
  return path.join(project.root, (await resolveWorkflow(project, undefined)).head.op.file);
}

// One history for every test (each works on a copy): commits, wipes, bumps as the generator
// plays them, then a restore of the first version and two undos, so that rows carry titles,
// view entries of both kinds, version changes and `undoes`.
beforeAll(async () => {
  base = tempDir();
  const project = await initProject(base, CONTEXT);
  const steps = generateHistory({ seed: 11, steps: 45, targetBytes: 20_000 });
  fs.writeFileSync(path.join(base, `${WORKFLOW}-V0-1.nbflow`), serialize(steps[0]!.doc, 'two-space'));
  await track(project, { file: path.join(base, `${WORKFLOW}-V0-1.nbflow`) });
  for (const step of steps.slice(1)) {
    if (step.op === 'bump') await bump(project, { message: step.message });
    else if (step.op === 'wipe' && (await wipe(project, { selector: { nodes: step.nodes }, message: step.message })).entry) continue;
    else {
      fs.writeFileSync(await workingFile(project), serialize(step.doc, 'two-space'));
      await commit(project, { message: step.message });
    }
  }
  await restore(project, { ref: 'V0-1', message: 'back to the start' });
  await undo(project, {});
  await undo(project, {});
  fs.rmSync(path.join(base, '.nbv', historyIndexMeta(WORKFLOW)), { force: true });
}, 120_000);

function copy(): string {
  const dir = tempDir();
  dirs.push(dir);
  fs.cpSync(base, dir, { recursive: true });
  return dir;
}

const indexPath = (dir: string) => path.join(dir, '.nbv', historyIndexMeta(WORKFLOW));
const walkLog = async (dir: string, options: LogOptions = {}) => log(await openProject(dir, CONTEXT), { ...options, cached: false });
const indexedLog = async (dir: string, options: LogOptions = {}) => log(await openProject(dir, CONTEXT), options);
const readIndex = (dir: string) => decodeHistoryIndex(fs.readFileSync(indexPath(dir)), WORKFLOW);

/** An index file whose body was changed and whose checksum was made to match again. */
function resealed(bytes: Buffer, change: (body: [string[], unknown[], unknown[], unknown[][]]) => void): Buffer {
  const nl = bytes.indexOf(0x0a);
  const header = JSON.parse(bytes.subarray(0, nl).toString('utf8'));
  const body = JSON.parse(bytes.subarray(nl + 1).toString('utf8'));
  change(body);
  const text = Buffer.from(JSON.stringify(body) + '\n');
  header.sha1 = createHash('sha1').update(text).digest('hex');
  return Buffer.concat([Buffer.from(JSON.stringify(header) + '\n'), text]);
}

async function spiedProject(dir: string): Promise<{ project: Project; commitsRead: () => number }> {
  const project = await openProject(dir, CONTEXT);
  const spy = vi.spyOn(project.store, 'readCommit');
  return { project, commitsRead: () => spy.mock.calls.length };
}

describe('history index: log', () => {
  it('gives exactly the log of the walk, cold and warm, with every filter, and reads one commit when warm', async () => {
    const dir = copy();
    const expected = await walkLog(dir);
    expect(expected.length).toBeGreaterThan(40);
    expect(new Set(expected.map((e) => e.op))).toEqual(new Set(['track', 'commit', 'wipe', 'bump', 'restore', 'undo']));
    expect(expected.some((e) => e.backups.length > 0) && expected.some((e) => e.changes.some((c) => c.title))).toBe(true);
    expect(fs.existsSync(indexPath(dir))).toBe(false);

    const cold = await spiedProject(dir);
    expect(await log(cold.project)).toStrictEqual(expected);
    expect(cold.commitsRead()).toBeGreaterThanOrEqual(expected.length);
    expect(readIndex(dir)?.map((r) => r.commit)).toEqual(expected.map((e) => e.commit));

    const warm = await spiedProject(dir);
    const again = await log(warm.project);
    expect(JSON.stringify(again)).toBe(JSON.stringify(expected));
    expect(warm.commitsRead()).toBe(1); // the head, which resolving the workflow reads

    const node = expected.find((e) => e.op === 'commit' && e.nodes.length > 0)!.nodes[0]!;
    const filters: LogOptions[] = [
      { limit: 3 },
      { ops: ['wipe', 'bump'] },
      { nodes: [node] },
      { scenes: ['2', 'Scene 3'] },
      { author: 'JANE' },
      { author: 'nobody' },
      { since: '2026-05-12', until: '2026-05-12T10:15:00+02:00' },
      { ops: ['undo'], limit: 1 },
    ];
    for (const options of filters) expect(await indexedLog(dir, options), JSON.stringify(options)).toStrictEqual(await walkLog(dir, options));
  });

  it('reads only the new commits after new ones are recorded, and rewrites the file once enough piled up', async () => {
    const dir = copy();
    const before = await indexedLog(dir);
    const project = await openProject(dir, CONTEXT);
    const edit = async (text: string) => {
      const file = await workingFile(project);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/"prompt": "/, `"prompt": "${text} `));
      await commit(project, { message: text });
    };
    for (const text of ['A harbour at dawn.', 'A harbour at dusk.']) await edit(text);
    const { project: fresh, commitsRead } = await spiedProject(dir);
    expect(await log(fresh)).toStrictEqual(await walkLog(dir));
    expect(commitsRead()).toBeLessThanOrEqual(3); // the head, the commit before it, the old head
    // Two commits on top are read again rather than the file rewritten.
    expect(readIndex(dir)![0]!.commit).toBe(before[0]!.commit);

    for (let i = 2; i < REWRITE_AFTER; i++) await edit(`Gulls, take ${i}.`);
    const again = await spiedProject(dir);
    expect(await log(again.project)).toStrictEqual(await walkLog(dir));
    const rows = readIndex(dir)!;
    expect(rows[0]!.commit).toBe((await resolveWorkflow(again.project, undefined)).head.commit);
    expect(rows[0]!.op.message).toBe(`Gulls, take ${REWRITE_AFTER - 1}.`);
    expect(rows).toHaveLength(before.length + REWRITE_AFTER);

  });

  it('rewrites the file sooner when the commits on top name many nodes (each one a big op.json to read again)', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const project = await initProject(dir, CONTEXT);
    const [first] = generateHistory({ seed: 5, steps: 1, targetBytes: 400_000 });
    const file = path.join(dir, `${WORKFLOW}-V0-1.nbflow`);
    fs.writeFileSync(file, serialize(first!.doc, 'two-space'));
    await track(project, { file });
    await log(await openProject(dir, CONTEXT));
    expect(fs.existsSync(indexPath(dir))).toBe(true);
    let named = 0;
    let steps = 0;
    while (named < REWRITE_AFTER_NODES) {
      const step = steps % 2 === 0 ? await wipe(project, { selector: { all: true } }) : await undo(project, {});
      named += step.entry!.op.nodes.length;
      steps++;
    }
    expect(steps).toBeGreaterThan(1);
    expect(steps).toBeLessThan(REWRITE_AFTER);
    const fresh = await openProject(dir, CONTEXT);
    expect(await log(fresh)).toStrictEqual(await walkLog(dir));
    expect(readIndex(dir)![0]!.commit).toBe((await resolveWorkflow(fresh, undefined)).head.commit);
  });

  it('is kept by a bump, whose version scan reads the whole history', async () => {
    const dir = copy();
    await indexedLog(dir);
    const project = await openProject(dir, CONTEXT);
    for (let i = 0; i < REWRITE_AFTER; i++) {
      const file = await workingFile(project);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/"prompt": "/, `"prompt": "Take ${i}. `));
      await commit(project, { message: `take ${i}` });
    }
    const before = (await resolveWorkflow(project, undefined)).head.commit;
    await bump(project, {});
    expect(readIndex(dir)![0]!.commit).toBe(before);
  });

  it('follows the branch when the real git moves it back, or onto a forged commit', async () => {
    const dir = copy();
    const gitdir = path.join(dir, '.nbv');
    const before = await indexedLog(dir);
    const older = before[10]!.commit;
    expect(git(gitdir, ['update-ref', `refs/heads/${WORKFLOW}`, older, before[0]!.commit]).status).toBe(0);
    const back = await spiedProject(dir);
    const moved = await log(back.project);
    expect(moved).toStrictEqual(await walkLog(dir));
    expect(moved[0]!.commit).toBe(older);
    expect(back.commitsRead()).toBe(1);

    // A commit git made on an older state, reusing a newer state's tree (op.json included).
    const tree = git(gitdir, ['rev-parse', `${before[3]!.commit}^{tree}`]).stdout.trim();
    const forged = git(gitdir, ['-c', 'user.name=Mallory', '-c', 'user.email=m@example.com', 'commit-tree', tree, '-p', before[20]!.commit, '-m', 'forged']);
    expect(forged.status).toBe(0);
    expect(git(gitdir, ['update-ref', `refs/heads/${WORKFLOW}`, forged.stdout.trim()]).status).toBe(0);
    const onForged = await indexedLog(dir);
    expect(onForged).toStrictEqual(await walkLog(dir));
    expect(onForged.map((e) => e.commit)).toEqual([forged.stdout.trim(), ...before.slice(20).map((e) => e.commit)]);
    // One commit on top of indexed ones: read, not written back (REWRITE_AFTER).
    expect(readIndex(dir)![0]!.commit).toBe(before[0]!.commit);
    const fsck = git(gitdir, ['fsck', '--strict', '--no-dangling']);
    expect(fsck.status).toBe(0);
    expect(fsck.stderr).not.toMatch(/error|warning|bad|broken|missing/i);
  });

  it('never trusts a damaged, truncated or foreign index: same log, file rebuilt', async () => {
    const dir = copy();
    const expected = await indexedLog(dir);
    const good = fs.readFileSync(indexPath(dir));
    const damages: Record<string, Buffer> = {
      empty: Buffer.alloc(0),
      truncated: good.subarray(0, Math.floor(good.length * 0.6)),
      'one byte changed': Buffer.from(good.toString('latin1').replace('"V0-2"', '"V0-3"'), 'latin1'),
      'not an index': Buffer.from('{"hello":"world"}\n'),
      'another format': Buffer.from(good.toString('utf8').replace('nbv-history/2', 'nbv-history/3')),
      'another workflow': Buffer.from(good.toString('utf8').replace('"workflow":"XYZG3"', '"workflow":"OTHER"')),
      'row out of range': resealed(good, (body) => void (body[3][5]![6] = 99_999)),
      'row of the wrong shape': resealed(good, (body) => void body[3][7]!.pop()),
      // Checksum and shape right, content wrong: caught where the index meets the store (the head).
      'head row rewritten': resealed(good, (body) => void (body[3][0]![8] = body[0].push('a forged message') - 1)),
    };
    for (const [what, bytes] of Object.entries(damages)) {
      expect(bytes.equals(good), what).toBe(false);
      fs.writeFileSync(indexPath(dir), bytes);
      expect(await indexedLog(dir), what).toStrictEqual(expected);
      expect(readIndex(dir)?.map((r) => r.commit), what).toEqual(expected.map((e) => e.commit));
    }
  });
});

describe('history index: lookups without an index', () => {
  it('a lookup that walked far completes and saves the index; a short one writes nothing', async () => {
    const dir = copy();
    const project = await openProject(dir, CONTEXT);
    for (let i = 0; i < 40; i++) {
      const file = await workingFile(project);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/"prompt": "/, `"prompt": "Take ${i}. `));
      await commit(project, { message: `take ${i}` });
    }
    fs.rmSync(indexPath(dir), { force: true });
    const expected = (await walkLog(dir)).map((e) => e.commit);

    const near = await openProject(dir, CONTEXT);
    await resolveStateRef(near, await resolveWorkflow(near, undefined), 'HEAD~2');
    expect(fs.existsSync(indexPath(dir))).toBe(false);

    const far = await openProject(dir, CONTEXT);
    const v1 = await resolveStateRef(far, await resolveWorkflow(far, undefined), 'V0-1');
    expect(expected.indexOf(v1.commit)).toBeGreaterThanOrEqual(COMPLETE_AFTER);
    expect(readIndex(dir)?.map((r) => r.commit)).toEqual(expected);
  });
});

describe('history index: REF resolution and undo', () => {
  it('resolves every version, commit prefix and file content to the entry the walk finds', async () => {
    const dir = copy();
    const project = await openProject(dir, CONTEXT);
    const wf = await resolveWorkflow(project, undefined);
    const walked = await listEntries(project, wf.head.commit);
    const newest = (test: (e: HistoryEntry) => boolean) => walked.find(test)!.commit;
    const versions = [...new Set(walked.map((e) => e.op.version))];
    expect(versions.length).toBeGreaterThan(2);

    // A refused lookup leaves the store as it was; a successful one saves the index.
    await expect(resolveStateRef(project, wf, 'V9-9', dir)).rejects.toMatchObject({ code: 'UNKNOWN_REF' });
    await expect(resolveStateRef(project, wf, 'deadbeefdead', dir)).rejects.toMatchObject({ code: 'UNKNOWN_REF' });
    expect(fs.existsSync(indexPath(dir))).toBe(false);
    for (const fresh of [project, await openProject(dir, CONTEXT)]) {
      for (const e of walked.filter((_, i) => i % 9 === 4)) expect((await resolveStateRef(fresh, wf, e.commit.slice(0, 9).toUpperCase(), dir)).commit).toBe(e.commit);
      expect(fs.existsSync(indexPath(dir))).toBe(true); // a prefix is looked up in every row
      for (const v of versions) expect((await resolveStateRef(fresh, wf, v, dir)).commit, v).toBe(newest((e) => e.op.version === v));
      for (const e of walked.filter((_, i) => i % 11 === 7)) {
        const file = path.join(dir, 'some copy.nbflow');
        fs.writeFileSync(file, await fresh.store.readBlob(e.fileBlob));
        expect((await resolveStateRef(fresh, wf, file, dir)).commit).toBe(newest((x) => x.fileBlob === e.fileBlob));
      }
    }
  });

  it('finds HEAD~N in the index only when the index holds the head', async () => {
    const dir = copy();
    const project = await openProject(dir, CONTEXT);
    const wf = await resolveWorkflow(project, undefined);
    const walked = await listEntries(project, wf.head.commit);
    expect(await indexedAncestor(project, wf, 3)).toBeNull(); // no index: the caller walks
    await log(project);
    const fresh = await openProject(dir, CONTEXT);
    for (let n = 0; n < walked.length; n++) expect((await indexedAncestor(fresh, wf, n))?.row?.commit).toBe(walked[n]!.commit);
    expect(await indexedAncestor(fresh, wf, walked.length)).toEqual({ row: null, states: walked.length });
    expect((await resolveStateRef(fresh, wf, `HEAD~${walked.length - 1}`, dir)).commit).toBe(walked.at(-1)!.commit);
    await expect(resolveStateRef(fresh, wf, `HEAD~${walked.length}`, dir)).rejects.toMatchObject({ code: 'UNKNOWN_REF' });
  });

  it('never answers from a forged row: the row is checked against the store and the index rebuilt', async () => {
    const dir = copy();
    await indexedLog(dir);
    const project = await openProject(dir, CONTEXT);
    const wf = await resolveWorkflow(project, undefined);
    const walked = await listEntries(project, wf.head.commit);
    // The second newest row claims to be V0-2, with a checksum that matches: no check of shape
    // sees it, and a scan newest first meets it before the real V0-2.
    expect(walked.slice(0, 2).map((e) => e.op.version)).not.toContain('V0-2');
    fs.writeFileSync(indexPath(dir), resealed(fs.readFileSync(indexPath(dir)), (body) => void (body[3][1]![6] = body[0].indexOf('V0-2'))));
    expect(readIndex(dir)![1]!.op.version).toBe('V0-2');
    const v2 = walked.find((e) => e.op.version === 'V0-2')!.commit;
    expect((await resolveStateRef(await openProject(dir, CONTEXT), wf, 'V0-2', dir)).commit).toBe(v2);
    expect(readIndex(dir)![1]!.op.version).toBe(walked[1]!.op.version);
  });

  it('undo picks, through the index, the step the walk picks', async () => {
    const dir = copy();
    const lastUndoable = (entries: HistoryEntry[]) => {
      const undone = new Set<string>();
      for (const e of entries) {
        if (e.op.op === 'undo') {
          if (e.op.intent.undoes) undone.add(e.op.intent.undoes);
        } else if (!undone.has(e.commit)) return e.commit;
      }
      return null;
    };
    for (let i = 0; i < 2; i++) {
      const project = await openProject(dir, CONTEXT);
      const head = (await resolveWorkflow(project, undefined)).head.commit;
      const expected = lastUndoable(await listEntries(project, head));
      expect((await undo(project, {})).undone?.commit).toBe(expected);
    }
    expect(await indexedLog(dir)).toStrictEqual(await walkLog(dir));
  });
});

describe('history index: file format', () => {
  it('round-trips rows exactly and refuses every one-byte change and every truncation', async () => {
    const dir = copy();
    const project = await openProject(dir, CONTEXT);
    const wf = await resolveWorkflow(project, undefined);
    const rows: IndexRow[] = (await listEntries(project, wf.head.commit)).map(rowOf);
    // Shapes nbv itself does not write but the format must carry: nodes that are not the changes' nodes.
    const odd = structuredClone(rows.find((r) => r.op.changes.length > 1)!);
    odd.op.nodes = [...odd.op.nodes].reverse();
    const variants = rows.map((r) => (r.commit === odd.commit ? odd : r));
    const decoded = decodeHistoryIndex(encodeHistoryIndex(WORKFLOW, variants), WORKFLOW);
    expect(decoded).toStrictEqual(JSON.parse(JSON.stringify(variants)));

    const small = Buffer.from(encodeHistoryIndex(WORKFLOW, rows.slice(-4)));
    expect(decodeHistoryIndex(small, WORKFLOW)).not.toBeNull();
    expect(decodeHistoryIndex(small, 'OTHER')).toBeNull();
    for (let i = 0; i < small.length; i++) {
      const changed = Buffer.from(small);
      changed[i]! ^= 0x01;
      expect(decodeHistoryIndex(changed, WORKFLOW), `byte ${i}`).toBeNull();
      expect(decodeHistoryIndex(small.subarray(0, i), WORKFLOW), `first ${i} bytes`).toBeNull();
    }
  });
});
