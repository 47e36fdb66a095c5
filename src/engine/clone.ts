// `nbv clone URL [DIR]`: a ready project from a remote: the store with every workflow's history,
// version tags and the shared settings, each working file at its head (byte-exact: it is the
// blob), and the backups/ view. The folder is new, so a failure removes it and nothing is lost.
import fs from 'node:fs/promises';
import path from 'node:path';
import { NbvError } from '../errors.js';
import { addRemoteEntry, parseRemoteUrl, scrubUrl, type TransferProgress } from '../store/index.js';
import { initProject, openProject, type OperationContext } from '../history/project.js';
import { loadWorkflow } from '../history/workflows.js';
import { branchRef } from '../history/history.js';
import { underLock } from '../history/mutation.js';
import { syncMissingView, writeWorkingFile, type Materialized } from '../history/sharing/materialize.js';
import { fetchRemoteState } from '../history/sharing/remoteState.js';
import { adoptConfig } from '../history/sharing/sharedConfig.js';

export interface CloneOptions {
  url: string;
  /** The new project's folder; default: the last part of the URL without `.git`. */
  dir?: string;
  context?: OperationContext;
  onProgress?: (progress: TransferProgress) => void;
}

export interface CloneResult {
  root: string;
  remote: string;
  url: string;
  empty: boolean;
  workflows: Array<{ name: string; file: string; version: string; commit: string }>;
  written: string[];
  notes: string[];
}

/** The folder a clone of `url` goes to when none is given: `studio/xyzg3.git` -> `xyzg3`. */
export function defaultCloneDir(url: string): string {
  const last = url.replace(/[/\\]+$/, '').split(/[/\\:]/).pop() ?? '';
  const name = last.replace(/\.git$/i, '').replace(/[^A-Za-z0-9._ -]/g, '_');
  if (name === '' || name === '.' || name === '..') throw new NbvError('BAD_USAGE', `cannot name a folder after this address; give one: nbv clone URL DIR`);
  return name;
}

async function prepareFolder(dir: string): Promise<boolean> {
  try {
    const entries = await fs.readdir(dir);
    if (entries.length > 0) throw new NbvError('ALREADY_EXISTS', `${dir} exists and is not empty; clone into a new folder`, { file: dir });
    return false;
  } catch (err) {
    if (err instanceof NbvError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') throw new NbvError('ALREADY_EXISTS', `${dir} exists and is not a folder`, { file: dir });
    await fs.mkdir(dir, { recursive: true });
    return true;
  }
}

export async function clone(options: CloneOptions): Promise<CloneResult> {
  const remote = parseRemoteUrl(options.url, process.cwd());
  const root = path.resolve(options.dir ?? defaultCloneDir(remote.url));
  const created = await prepareFolder(root);
  try {
    await initProject(root, options.context ?? {});
    const project = await openProject(root, options.context ?? {});
    return await underLock(project, async () => {
      await addRemoteEntry(project.gitdir, 'origin', remote.url);
      const state = await fetchRemoteState(project, { name: 'origin', remote, shown: scrubUrl(remote.url) }, options.onProgress ? { onProgress: options.onProgress } : {});
      const out: Materialized = { written: [], kept: [] };
      const workflows: CloneResult['workflows'] = [];
      if (state.config !== null) await adoptConfig(project, state.config);
      for (const [name, oid] of state.workflows) await project.store.updateRef(branchRef(name), oid, null);
      for (const [name, oid] of state.tags) await project.store.createTag(name, oid);
      for (const name of state.workflows.keys()) {
        await writeWorkingFile(project, name, [], out);
        const head = (await loadWorkflow(project, name)).head;
        workflows.push({ name, file: head.op.file, version: head.op.version, commit: head.commit });
      }
      await syncMissingView(project, out);
      return { root, remote: 'origin', url: state.handle.shown, empty: state.empty, workflows, written: out.written, notes: state.notes };
    });
  } catch (err) {
    // The folder is ours alone until the clone succeeds: nothing in it can be lost.
    if (created) await fs.rm(root, { recursive: true, force: true });
    else for (const entry of await fs.readdir(root)) await fs.rm(path.join(root, entry), { recursive: true, force: true });
    throw err;
  }
}
