// Builds one realistic history three ways from the same sequence of file states: through the nbv
// library (the real operations: commit, wipe, bump), into a plain git repository (the very bytes
// nbv's working file held after each operation, fed to `git fast-import` as it goes), and as
// today's practice: one full copy per state in backups/ (sized, with only the copies the timed
// steps need written to disk; 10,000 copies of 5 MB would not fit).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { generateHistory, serialize } from '../fixtures/generator.js';
import { bump, commit, initProject, track, wipe, type Project } from '../src/index.js';
import { dirSize, msSince, run } from './measure.js';

export interface Scenario {
  label: string;
  targetBytes: number;
  /** Operations after the first save. */
  ops: number;
  seed: number;
  /** Size `.nbv/objects` after every state (issue 17's goal between packings). */
  trace?: boolean;
}

export interface BuiltHistory {
  scenario: Scenario;
  nbvRoot: string;
  gitRoot: string;
  backupsRoot: string;
  /** nbv commit ids, oldest first (one per state). */
  commits: string[];
  /** The working file (relative) now. */
  file: string;
  /** git commit ids, oldest first, one per nbv commit. */
  gitCommits: string[];
  /** File name of each state, oldest first. */
  files: string[];
  backups: { bytes: number; disk: number; gzipBytes: number; copies: number };
  /** Wall time of replaying the history through the library, per operation. */
  nbvMsPerOp: number;
  opsByKind: Record<string, number>;
  /** With `scenario.trace`: bytes of `.nbv/objects` after each state, oldest first. */
  storeTrace: number[];
}

const ENV = { GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };
export const GIT_ENV = { ...process.env, ...ENV };
export const NBV_CONTEXT = { author: 'Bench <bench@example.com>', env: { ...process.env, NBV_AUTHOR: 'Bench <bench@example.com>' } };

/** A `git fast-import` fed one state at a time, with backpressure. */
class FastImport {
  private readonly child;
  private done: Promise<void>;
  private mark = 0;
  private lastCommit: number | null = null;

  constructor(gitRoot: string) {
    this.child = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: gitRoot, env: GIT_ENV, stdio: ['pipe', 'ignore', 'inherit'] });
    this.done = new Promise((resolve, reject) =>
      this.child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`)))),
    );
  }

  private async write(chunk: string | Uint8Array): Promise<void> {
    if (!this.child.stdin.write(chunk)) await new Promise((r) => this.child.stdin.once('drain', r));
  }

  async add(file: string, bytes: Uint8Array, message: string, when: number): Promise<void> {
    const blob = ++this.mark;
    await this.write(`blob\nmark :${blob}\ndata ${bytes.length}\n`);
    await this.write(bytes);
    const commit = ++this.mark;
    const msg = Buffer.from(message);
    let head = `\ncommit refs/heads/main\nmark :${commit}\ncommitter Bench <bench@example.com> ${when} +0000\ndata ${msg.length}\n`;
    await this.write(head);
    await this.write(msg);
    head = `\n${this.lastCommit === null ? '' : `from :${this.lastCommit}\n`}deleteall\nM 100644 :${blob} ${file}\n\n`;
    await this.write(head);
    this.lastCommit = commit;
  }

  async finish(): Promise<void> {
    this.child.stdin.end('done\n');
    await this.done;
  }
}

function gzipSize(bytes: Uint8Array): number {
  return zlib.gzipSync(bytes, { level: 6 }).length;
}

export async function buildHistory(scenario: Scenario, workDir: string): Promise<BuiltHistory> {
  const nbvRoot = path.join(workDir, 'nbv');
  const gitRoot = path.join(workDir, 'git');
  const backupsRoot = path.join(workDir, 'plain');
  for (const d of [nbvRoot, gitRoot, path.join(backupsRoot, 'backups')]) fs.mkdirSync(d, { recursive: true });
  run('git', ['init', '-q', '-b', 'main'], { cwd: gitRoot });
  const importer = new FastImport(gitRoot);

  const steps = generateHistory({ seed: scenario.seed, steps: scenario.ops + 1, targetBytes: scenario.targetBytes });
  const project: Project = await initProject(nbvRoot, NBV_CONTEXT);
  let file = 'XYZG3-V0-1.nbflow';
  const commits: string[] = [];
  const files: string[] = [];
  const backups = { bytes: 0, disk: 0, gzipBytes: 0, copies: 0 };
  const gzipEvery = Math.max(1, Math.ceil(steps.length / 150));
  let gzSampled = 0;
  let gzSampledBytes = 0;
  const opsByKind: Record<string, number> = {};
  const storeTrace: number[] = [];
  const t0 = Date.UTC(2026, 4, 1) / 1000;

  const record = async (commitOid: string, message: string, i: number): Promise<void> => {
    const bytes = new Uint8Array(fs.readFileSync(path.join(nbvRoot, file)));
    commits.push(commitOid);
    files.push(file);
    if (scenario.trace) storeTrace.push(dirSize(path.join(nbvRoot, '.nbv', 'objects')).bytes);
    await importer.add(file, bytes, message, t0 + i * 60);
    backups.bytes += bytes.length;
    backups.disk += Math.ceil(bytes.length / 4096) * 4096;
    backups.copies += 1;
    if (i % gzipEvery === 0) {
      gzSampled += gzipSize(bytes);
      gzSampledBytes += bytes.length;
    }
    // Only the oldest and the newest copy are read by the timed steps.
    if (i === 0 || i === steps.length - 1) fs.writeFileSync(path.join(backupsRoot, 'backups', `${file}.bak-${i}`), bytes);
  };

  const start = process.hrtime.bigint();
  fs.writeFileSync(path.join(nbvRoot, file), serialize(steps[0]!.doc, 'two-space'));
  const tracked = await track(project, { file: path.join(nbvRoot, file) });
  await record(tracked.entry.commit, steps[0]!.message, 0);
  for (let i = 1; i < steps.length; i++) {
    const step = steps[i]!;
    let oid: string | null = null;
    if (step.op === 'bump') {
      const result = await bump(project, { message: step.message });
      file = result.to.file;
      oid = result.entry.commit;
    } else if (step.op === 'wipe') {
      const result = await wipe(project, { selector: { nodes: step.nodes }, message: step.message });
      oid = result.entry?.commit ?? null;
    }
    if (oid === null) {
      // Every other change is the user (or the runner) saving the file: `nbv commit` records it.
      fs.writeFileSync(path.join(nbvRoot, file), serialize(step.doc, 'two-space'));
      const result = await commit(project, { message: step.message });
      oid = result.entry.commit;
    }
    opsByKind[step.op] = (opsByKind[step.op] ?? 0) + 1;
    await record(oid, step.message, i);
  }
  const nbvMsPerOp = msSince(start) / steps.length;
  await importer.finish();
  run('git', ['reset', '-q', '--hard', 'main'], { cwd: gitRoot });
  const gitCommits = run('git', ['rev-list', '--reverse', 'main'], { cwd: gitRoot }).toString().trim().split('\n');
  if (gitCommits.length !== commits.length) throw new Error(`git has ${gitCommits.length} commits, nbv ${commits.length}`);
  backups.gzipBytes = Math.round((gzSampled / gzSampledBytes) * backups.bytes);
  return { scenario, nbvRoot, gitRoot, backupsRoot, commits, file, gitCommits, files, backups, nbvMsPerOp, opsByKind, storeTrace };
}
