// A tracked sample project for the harnesses, and the independent checks every harness runs on it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkBackups, initProject, openProject, track, verify, type Project } from '../../../src/index.js';
import { hashBlob } from '../../../src/store/index.js';
import { generateWorkflow, serialize } from '../../../fixtures/generator.js';
import { REPO_ROOT } from './build.js';

export const HARNESS_ENV = { ...process.env, NBV_AUTHOR: 'Harness <harness@example.com>' };

export interface HarnessProject {
  root: string;
  workflow: string;
}

/**
 * A fresh project with one tracked workflow: `sample` is fixtures/sample (XYZG3, 108 KB, its
 * backups/ taken in as history); `small` a generated 2-tab, 6-scene workflow (35 KB) for fast runs.
 */
export async function trackedProject(kind: 'sample' | 'small', prefix = 'nbv-reliability-'): Promise<HarnessProject> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  let file: string;
  if (kind === 'sample') {
    fs.cpSync(path.join(REPO_ROOT, 'fixtures', 'sample'), root, { recursive: true });
    file = 'XYZG3-V0-3.nbflow';
  } else {
    file = 'SMALL-V0-1.nbflow';
    fs.writeFileSync(path.join(root, file), serialize(generateWorkflow({ name: 'SMALL', tabs: 2, scenesPerTab: 3, seed: 7 }), 'two-space'));
  }
  const project = await initProject(root, { env: HARNESS_ENV });
  const tracked = await track(project, { file: path.join(root, file) });
  return { root, workflow: tracked.workflow };
}

export function open(root: string): Promise<Project> {
  return openProject(root, { env: HARNESS_ENV });
}

export function blobOf(file: string): string | null {
  try {
    return hashBlob(new Uint8Array(fs.readFileSync(file)));
  } catch {
    return null;
  }
}

/** The real git's strictest check of the store; an empty string when it passes. */
export function gitFsck(root: string): string {
  const result = spawnSync('git', [`--git-dir=${path.join(root, '.nbv')}`, 'fsck', '--strict', '--no-progress'], { encoding: 'utf8' });
  return result.status === 0 ? '' : `git fsck --strict exited ${result.status}: ${result.stderr.trim().split('\n').slice(0, 3).join(' | ')}`;
}

/** Problems found by nbv verify, git fsck and the backups/ view check (empty when all pass).
 * `allowPending` accepts a journal left by a crash that the next write command finishes. */
export async function storeProblems(root: string, options: { allowPending?: boolean } = {}): Promise<string[]> {
  const problems: string[] = [];
  const fsck = gitFsck(root);
  if (fsck) problems.push(fsck);
  try {
    const project = await open(root);
    const report = await verify(project);
    const journal = await project.store.readMeta('nbv-journal.json');
    const pendingCommit = journal === null ? null : (JSON.parse(new TextDecoder().decode(journal)) as { newOid: string }).newOid;
    for (const p of report.problems) {
      if (options.allowPending && p.code === 'pending') continue;
      // What the pending journal will create (the new version's tag, its backups/ files) is not
      // there yet; verify reports it, but it is the interrupted step, not damage.
      if (options.allowPending && p.commit === pendingCommit && (p.code === 'tag' || p.code === 'backup-missing')) continue;
      problems.push(`nbv verify: ${p.code} ${p.commit?.slice(0, 7) ?? ''} ${p.detail}`);
    }
    if (pendingCommit === null) {
      const view = await checkBackups(project);
      if (!view.ok) problems.push(`backups check: ${JSON.stringify(view).slice(0, 300)}`);
    }
  } catch (err) {
    problems.push(`nbv verify or backups check threw: ${err instanceof Error ? err.message : String(err)}`);
  }
  return problems;
}

/** Linear history of the workflow, oldest first, with each state's file blob. */
export async function historyOf(root: string, workflow: string): Promise<Array<{ commit: string; parents: string[]; op: string; version: string; file: string; blob: string }>> {
  const project = await open(root);
  const head = await project.store.resolveRef(`refs/heads/${workflow}`);
  const out = [];
  for (let next = head; next !== null; ) {
    const stored = await project.store.readCommit(next);
    const tree = await project.store.readTree(stored.tree);
    const op = JSON.parse(new TextDecoder().decode(await project.store.readBlob(tree['op.json']!))) as { op: string; version: string; file: string };
    const name = Object.keys(tree).find((n) => n.endsWith('.nbflow'))!;
    out.push({ commit: next, parents: stored.parents, op: op.op, version: op.version, file: op.file, blob: tree[name]! });
    next = stored.parents[0] ?? null;
  }
  return out.reverse();
}

/** nbv's temp files a killed writer left behind (hidden, never read by nbv or git): litter, not damage.
 * The driver's own half-saved edits (`.driver-<pid>`) are removed, as an editor's would be. */
export function leftoverTempFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.driver-\d+$/.test(entry.name)) fs.rmSync(full);
      else if (/\.tmp-\d+-[0-9a-f]+$/.test(entry.name)) found.push(path.relative(root, full));
    }
  };
  walk(root);
  return found;
}
