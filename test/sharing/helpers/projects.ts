// Two people's projects for the sharing tests: the sample production (fixtures/sample, its
// hand-made backups/ taken in as history), a server root for bare repositories, and small edits
// made the way an editor saves them (only the changed value's text differs).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initProject, openProject, trackAll, type Project } from '../../../src/index.js';
import { REPO_ROOT } from '../../helpers/cli.js';

export const SAMPLE = path.join(REPO_ROOT, 'fixtures', 'sample');
export const WORKING = 'XYZG3-V0-3.nbflow';

export function contextFor(who: 'jane' | 'omar', time = '2026-05-12T09:00:00+02:00') {
  const author = who === 'jane' ? 'Jane Doe <jane@example.com>' : 'Omar Ali <omar@example.com>';
  return { author, env: { ...process.env, NBV_NOW: time, NBV_USERNAME: undefined, NBV_PASSWORD: undefined, NBV_TOKEN: undefined, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } as NodeJS.ProcessEnv };
}

export function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nbv-share-'));
}

/** A project holding the sample production with its backups/ history tracked. */
export async function sampleProject(dir: string, who: 'jane' | 'omar' = 'jane'): Promise<Project> {
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(SAMPLE, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'README.md'), { force: true });
  await initProject(dir, contextFor(who));
  const project = await openProject(dir, contextFor(who));
  await trackAll(project, { dir });
  return project;
}

export function bareRepo(root: string, name: string): string {
  const repo = path.join(root, name);
  execFileSync('git', ['init', '--bare', '--quiet', repo], { env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
  return repo;
}

export function fsck(gitdir: string): void {
  execFileSync('git', ['--git-dir', gitdir, 'fsck', '--strict', '--no-dangling'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
}

type Doc = { tabs: Array<{ id: string; nodes: Array<{ id: string; data?: Record<string, unknown> }> }> };

export function readDoc(file: string): Doc {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Doc;
}

export function nodeData(file: string, id: string): Record<string, unknown> {
  for (const tab of readDoc(file).tabs) for (const node of tab.nodes) if (node.id === id) return node.data ?? {};
  throw new Error(`no node ${id}`);
}

/** End of the JSON value starting at `start` (strings and nested brackets skipped). */
function valueEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (depth === 0) return i + 1;
    } else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && /[,\n}\]]/.test(c!)) return i;
  }
  return text.length;
}

/** Replaces the text of one value of node `id` in place, as an editor would save it. */
export function editField(file: string, id: string, field: string, value: unknown): void {
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf(`"${field}": `, text.indexOf(`"id": "${id}"`));
  if (at < 0) throw new Error(`cannot find ${id}.${field} in ${file}`);
  const start = at + `"${field}": `.length;
  fs.writeFileSync(file, text.slice(0, start) + JSON.stringify(value) + text.slice(valueEnd(text, start)));
  if (JSON.stringify(nodeData(file, id)[field]) !== JSON.stringify(value)) throw new Error(`editField missed ${id}.${field}`);
}

/** Every image node id with a prompt, in document order. */
export function imageNodes(file: string): string[] {
  return readDoc(file).tabs.flatMap((t) => t.nodes.filter((n) => n.id.startsWith('img-') && typeof n.data?.['prompt'] === 'string').map((n) => n.id));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
