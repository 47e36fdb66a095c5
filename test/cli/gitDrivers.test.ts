// The git drivers end to end, with the real git in scratch repositories and the built binary:
// `nbv git-setup`, then `git merge`, `git rebase`, `git diff`, `git log -p`, `git show`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NBV_BIN, SAMPLE_DIR } from '../helpers/cli.js';
import { expectedWipe, withPromptPrefix } from '../helpers/nbflowText.js';
import { parseNbflow } from '../../src/nbflow/parse.js';

const FILE = 'XYZG3-V0-3.nbflow';
const base = fs.readFileSync(path.join(SAMPLE_DIR, FILE), 'utf8');
let scratch: string;
let env: NodeJS.ProcessEnv;

function run(cwd: string, command: string, args: string[]) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
const git = (cwd: string, ...args: string[]) => run(cwd, 'git', args);
function gitOk(cwd: string, ...args: string[]): string {
  const result = git(cwd, ...args);
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.status}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}
const nbv = (cwd: string, ...args: string[]) => run(cwd, process.execPath, [NBV_BIN, ...args]);

/** A repository with the sample workflow committed on main and the drivers set up. */
function repoWithSample(name: string): string {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir);
  gitOk(dir, 'init', '-q', '-b', 'main');
  expect(nbv(dir, 'git-setup').status).toBe(0);
  fs.writeFileSync(path.join(dir, FILE), base);
  gitOk(dir, 'add', '-A');
  gitOk(dir, 'commit', '-q', '-m', 'base');
  return dir;
}
function commitFile(dir: string, text: string, message: string): void {
  fs.writeFileSync(path.join(dir, FILE), text);
  gitOk(dir, 'commit', '-q', '-am', message);
}

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'nbv-git-drivers-'));
  fs.mkdirSync(path.join(scratch, 'home'));
  // Never the real user's config: a home of our own, no system config.
  env = {
    ...process.env,
    HOME: path.join(scratch, 'home'),
    XDG_CONFIG_HOME: path.join(scratch, 'home', '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Jane',
    GIT_AUTHOR_EMAIL: 'jane@example.com',
    GIT_COMMITTER_NAME: 'Jane',
    GIT_COMMITTER_EMAIL: 'jane@example.com',
    NBV_DEBUG: '',
  };
  delete env['GIT_DIR'];
  delete env['GIT_WORK_TREE'];
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const PREFIX = 'Rain-soaked neon street, ';

describe('git merge with the nbflow driver', () => {
  it('merges branches that changed different scenes with no hand work; every other byte is ours', () => {
    const dir = repoWithSample('different-scenes');
    gitOk(dir, 'checkout', '-q', '-b', 'theirs');
    commitFile(dir, expectedWipe(base, [['vid-s05', '_savedClips']]), 'wipe scene 05 video');
    gitOk(dir, 'checkout', '-q', 'main');
    commitFile(dir, withPromptPrefix(base, 'img-s03', PREFIX), 'scene 03 prompt');
    const merge = git(dir, 'merge', '--no-edit', 'theirs');
    expect(merge.status, merge.stdout + merge.stderr).toBe(0);
    const merged = fs.readFileSync(path.join(dir, FILE), 'utf8');
    expect(merged).toBe(withPromptPrefix(expectedWipe(base, [['vid-s05', '_savedClips']]), 'img-s03', PREFIX));
    expect(git(dir, 'status', '--porcelain').stdout).toBe('');
  });

  it('reports the same prompt changed on both branches per node and field; the file parses; git marks it conflicted', () => {
    const dir = repoWithSample('same-prompt');
    gitOk(dir, 'checkout', '-q', '-b', 'theirs');
    commitFile(dir, withPromptPrefix(expectedWipe(base, [['vid-s05', '_savedClips']]), 'img-s03', 'Sunny beach, '), 'theirs prompt');
    gitOk(dir, 'checkout', '-q', 'main');
    const ours = withPromptPrefix(base, 'img-s03', PREFIX);
    commitFile(dir, ours, 'ours prompt');
    const merge = git(dir, 'merge', '--no-edit', 'theirs');
    expect(merge.status).not.toBe(0);
    expect(merge.stderr).toMatch(/1 conflict/);
    expect(merge.stderr).toMatch(/conflict: node img-s03 \(tab acct-1\) \/data\/prompt: changed on both sides; ours "Rain-soaked neon street, .*theirs "Sunny beach, /);
    expect(merge.stdout).toMatch(/CONFLICT \(content\): Merge conflict in XYZG3-V0-3\.nbflow/);
    expect(git(dir, 'diff', '--name-only', '--diff-filter=U').stdout.trim()).toBe(FILE);
    const merged = fs.readFileSync(path.join(dir, FILE));
    expect(() => parseNbflow(merged, FILE)).not.toThrow();
    // ours at the conflict, the other side's non-conflicting change taken
    expect(merged.toString('utf8')).toBe(expectedWipe(ours, [['vid-s05', '_savedClips']]));
    // git diff still works while the path is unmerged (a combined diff of the outlines)
    const diff = git(dir, 'diff');
    expect(diff.status, diff.stderr).toBe(0);
    expect(diff.stdout).toContain(`diff --cc ${FILE}`);
    expect(nbv(dir, 'git-diff', FILE)).toMatchObject({ status: 0, stdout: `* Unmerged path ${FILE}\n` });
  });

  it('leaves git line merge and names the side when one side is not an .nbflow', () => {
    const dir = repoWithSample('bad-side');
    gitOk(dir, 'checkout', '-q', '-b', 'theirs');
    commitFile(dir, base.slice(0, 2000), 'truncated by a crash');
    gitOk(dir, 'checkout', '-q', 'main');
    commitFile(dir, withPromptPrefix(base, 'img-s03', PREFIX), 'ours prompt');
    const merge = git(dir, 'merge', '--no-edit', 'theirs');
    expect(merge.status).not.toBe(0);
    expect(merge.stderr).toMatch(/XYZG3-V0-3\.nbflow \(theirs\): .*truncated/);
    expect(merge.stderr).toMatch(/not merged node by node/);
    expect(git(dir, 'diff', '--name-only', '--diff-filter=U').stdout.trim()).toBe(FILE);
    // git's own line merge, whole: our lines, theirs between conflict markers.
    const text = fs.readFileSync(path.join(dir, FILE), 'utf8');
    expect(text.startsWith(withPromptPrefix(base, 'img-s03', PREFIX).slice(0, 1000))).toBe(true);
    expect(text).toMatch(/<<<<<<< ours[\s\S]*=======[\s\S]*>>>>>>> theirs/);
  });

  it('rebases a branch onto one that changed another scene', () => {
    const dir = repoWithSample('rebase');
    gitOk(dir, 'checkout', '-q', '-b', 'feature');
    commitFile(dir, withPromptPrefix(base, 'img-s03', PREFIX), 'scene 03 prompt');
    gitOk(dir, 'checkout', '-q', 'main');
    commitFile(dir, expectedWipe(base, [['img-s02', '_savedImages']]), 'wipe scene 02 image');
    gitOk(dir, 'checkout', '-q', 'feature');
    const rebase = git(dir, 'rebase', 'main');
    expect(rebase.status, rebase.stdout + rebase.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, FILE), 'utf8')).toBe(withPromptPrefix(expectedWipe(base, [['img-s02', '_savedImages']]), 'img-s03', PREFIX));
  });
});

describe('git diff, log -p and show', () => {
  it('print the per-node semantic diff', () => {
    const dir = repoWithSample('diff');
    const doc = JSON.parse(base) as { tabs: Array<{ id: string; nodes: Array<{ id: string; data: Record<string, unknown> }>; edges: Array<{ source: string; target: string }> }> };
    const img = doc.tabs[0]!.nodes.find((n) => n.id === 'img-s03')!;
    img.data['model'] = 'NB1';
    doc.tabs[0]!.edges = doc.tabs[0]!.edges.filter((e) => !(e.source === 'img-s03' && e.target === 'vid-s03'));
    const changed = withPromptPrefix(expectedWipe(JSON.stringify(doc, null, 2) + '\n', [['vid-s05', '_savedClips']]), 'img-s03', PREFIX);
    fs.writeFileSync(path.join(dir, FILE), changed);
    const diff = gitOk(dir, 'diff');
    expect(diff).toContain('diff --nbflow a/XYZG3-V0-3.nbflow b/XYZG3-V0-3.nbflow');
    expect(diff).toMatch(/~ img-s03 \(Scene 03, acct-1\): .*model NB2 -> NB1/);
    expect(diff).toMatch(/prompt: \{\+Rain-soaked neon street, \+\}/);
    expect(diff).toMatch(/~ vid-s05 \(Scene 05, acct-2\): cache wiped _savedClips \d+ -> 0/);
    expect(diff).toContain('- edge img-s03 -> vid-s03 removed (acct-1)');
    expect(diff).not.toContain('"_savedClips"');

    gitOk(dir, 'commit', '-q', '-am', 'change scene 03, wipe 05');
    for (const args of [['log', '-p', '-1'], ['show', 'HEAD']]) {
      const out = gitOk(dir, ...args);
      expect(out).toContain('-  model: "NB2"');
      expect(out).toContain('+  model: "NB1"');
      expect(out).toContain('+    Rain-soaked neon street,');
      expect(out).toContain('-edge [acct-1] img-s03 -> vid-s03');
      expect(out).toMatch(/-  _savedClips: \d+ outputs?\n/);
      expect(out).toContain('+  _savedClips: 0 outputs');
    }
    // and --ext-diff gives git log the full driver output
    expect(gitOk(dir, 'log', '-p', '--ext-diff', '-1')).toContain('- edge img-s03 -> vid-s03 removed (acct-1)');
  });
});

describe('nbv git-setup', () => {
  it('--global writes the user config and attributes file once, and changes nothing the second time', () => {
    const dir = path.join(scratch, 'not-a-repo');
    fs.mkdirSync(dir);
    const first = nbv(dir, 'git-setup', '--global', '--json');
    expect(first.status, first.stderr).toBe(0);
    const result = JSON.parse(first.stdout) as { scope: string; attributes: { file: string; changed: boolean }; config: Array<{ key: string; changed: boolean }> };
    expect(result.scope).toBe('global');
    expect(result.attributes).toEqual({ file: path.join(scratch, 'home', '.config', 'git', 'attributes'), changed: true });
    expect(result.config.every((c) => c.changed)).toBe(true);
    expect(fs.readFileSync(path.join(scratch, 'home', '.gitconfig'), 'utf8')).toContain('merge-driver %O %A %B %P');
    const config = fs.readFileSync(path.join(scratch, 'home', '.gitconfig'));
    const again = JSON.parse(nbv(dir, 'git-setup', '--global', '--json').stdout) as typeof result;
    expect(again.attributes.changed || again.config.some((c) => c.changed)).toBe(false);
    expect(fs.readFileSync(path.join(scratch, 'home', '.gitconfig'))).toEqual(config);
  });

  it('outside a repository without --global is bad usage', () => {
    const dir = path.join(scratch, 'plain');
    fs.mkdirSync(dir);
    const result = nbv(dir, 'git-setup');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/not inside a git repository/);
  });
});
