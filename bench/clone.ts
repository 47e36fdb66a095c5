// Clone, side by side: `nbv clone` of a pushed project against `git clone --mirror` of the very
// same repository, over smart HTTP (the real git http-backend behind the test bridge, on
// 127.0.0.1) and from a local folder. git's clone only transfers and indexes; nbv's also checks
// every new commit's record and names, writes the working file and the backups/ view, so the
// ratio is "a ready project" against "the bytes on disk".
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { addRemote, clone, openProject, push } from '../src/index.js';
import { startGitServer } from '../test/sharing/helpers/gitServer.js';
import { formatBytes, msSince, run } from './measure.js';
import { buildHistory, NBV_CONTEXT, type Scenario } from './replay.js';

const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

export interface CloneTimings {
  label: string;
  states: number;
  fileBytes: number;
  repoBytes: number;
  ms: Record<string, number>;
}

export async function benchClone(scenario: Scenario, workDir: string): Promise<CloneTimings> {
  const h = await buildHistory(scenario, workDir);
  const srv = path.join(workDir, 'srv');
  fs.mkdirSync(srv, { recursive: true });
  const repo = path.join(srv, 'bench.git');
  execFileSync('git', ['init', '--bare', '--quiet', repo], { env: GIT_ENV });
  const project = await openProject(h.nbvRoot, { ...NBV_CONTEXT, env: { ...NBV_CONTEXT.env, ...GIT_ENV } });
  await addRemote(project, 'origin', repo);
  await push(project);
  run('git', ['--git-dir', repo, 'gc', '-q']);
  const server = await startGitServer(srv);
  const ms: Record<string, number> = {};
  const context = { ...NBV_CONTEXT, env: { ...NBV_CONTEXT.env, ...GIT_ENV } };
  try {
    const time = async (name: string, fn: () => Promise<unknown> | unknown) => {
      const start = process.hrtime.bigint();
      await fn();
      ms[name] = msSince(start);
      process.stderr.write(` ${name} ${(ms[name]! / 1000).toFixed(1)} s;`);
    };
    const url = server.url('bench.git');
    await time('nbv clone (http)', () => clone({ url, dir: path.join(workDir, 'nbv-http'), context }));
    await time('git clone --mirror (http)', () =>
      new Promise<void>((resolve, reject) => {
        // async: the HTTP bridge answers from this process
        import('node:child_process').then(({ spawn }) => {
          const child = spawn('git', ['clone', '--quiet', '--mirror', url, path.join(workDir, 'git-http')], { env: GIT_ENV, stdio: 'ignore' });
          child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git clone exited ${code}`))));
        });
      }),
    );
    await time('nbv clone (folder)', () => clone({ url: repo, dir: path.join(workDir, 'nbv-folder'), context }));
    await time('git clone --mirror --no-local (folder)', () => run('git', ['clone', '--quiet', '--mirror', '--no-local', repo, path.join(workDir, 'git-folder')]));
  } finally {
    await server.stop();
  }
  const cloned = path.join(workDir, 'nbv-http');
  const same = fs.readFileSync(path.join(cloned, h.file)).equals(fs.readFileSync(path.join(h.nbvRoot, h.file)));
  if (!same) throw new Error('the clone\'s working file differs from the original');
  return { label: scenario.label, states: h.commits.length, fileBytes: fs.statSync(path.join(h.nbvRoot, h.file)).size, repoBytes: folderBytes(repo), ms };
}

export function renderClone(t: CloneTimings): string {
  const lines = [`== clone of ${t.label}: ${formatBytes(t.fileBytes)} workflow, ${t.states} states, repository ${formatBytes(t.repoBytes)} packed`];
  const pairs: Array<[string, string]> = [
    ['nbv clone (http)', 'git clone --mirror (http)'],
    ['nbv clone (folder)', 'git clone --mirror --no-local (folder)'],
  ];
  for (const [nbv, git] of pairs) {
    const a = t.ms[nbv]!;
    const b = t.ms[git]!;
    lines.push(`  ${nbv.padEnd(22)} ${(a / 1000).toFixed(1).padStart(7)} s   ${git.padEnd(40)} ${(b / 1000).toFixed(1).padStart(7)} s   ratio ${(a / b).toFixed(1)}x`);
  }
  return lines.join('\n');
}
