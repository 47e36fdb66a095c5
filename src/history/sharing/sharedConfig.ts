// The project's settings travel as refs/nbv/config: a chain of commits whose tree holds one
// file, nbv-config.json. The copy nbv reads stays `.nbv/nbv-config.json` (fast, and where it has
// always been); the ref records it before every push and gives it to a clone or a pull.
import { NbvError } from '../../errors.js';
import { CONFIG_REF } from '../../store/index.js';
import { parseConfig, type NbflowConfig } from '../../nbflow/index.js';
import { CONFIG_META, operationAuthor, operationTime, type Project } from '../project.js';

export const CONFIG_TREE_FILE = 'nbv-config.json';

/** The settings in config commit `oid`, checked: a remote's settings are hostile until parsed. */
export async function readConfigCommit(project: Project, oid: string): Promise<{ bytes: Uint8Array; config: NbflowConfig }> {
  const tree = await project.store.readTree(oid);
  const names = Object.keys(tree);
  if (names.length !== 1 || names[0] !== CONFIG_TREE_FILE) {
    throw new NbvError('CORRUPT_STORE', `${CONFIG_REF} ${oid.slice(0, 12)} holds [${names.join(', ')}], expected ${CONFIG_TREE_FILE} alone`);
  }
  const bytes = await project.store.readBlob(tree[CONFIG_TREE_FILE]!);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new NbvError('BAD_CONFIG', `the shared settings (${CONFIG_REF} ${oid.slice(0, 12)}) are not JSON: ${(err as Error).message}`);
  }
  return { bytes, config: parseConfig(value, `${CONFIG_REF} ${oid.slice(0, 12)}`) };
}

async function localConfigBytes(project: Project): Promise<Uint8Array> {
  return (await project.store.readMeta(CONFIG_META)) ?? new TextEncoder().encode(JSON.stringify(project.config, null, 2) + '\n');
}

/** Records `.nbv/nbv-config.json` on refs/nbv/config when it differs from the ref's; the ref's
 * oid after. `otherParent` makes it a merge (a pull that kept our settings). Hold the lock. */
export async function recordConfig(project: Project, message: string, otherParent?: string): Promise<string> {
  const head = await project.store.resolveRef(CONFIG_REF);
  const bytes = await localConfigBytes(project);
  const blob = await project.store.writeBlob(bytes);
  if (head !== null && otherParent === undefined) {
    const tree = await project.store.readTree(head);
    if (tree[CONFIG_TREE_FILE] === blob) return head;
  }
  const moment = operationTime(project);
  const author = operationAuthor(project);
  const signature = { name: author.name, email: author.email, timestamp: moment.timestamp, timezoneOffset: moment.timezoneOffset };
  const tree = await project.store.writeTree({ [CONFIG_TREE_FILE]: blob });
  const parents = [...(head === null ? [] : [head]), ...(otherParent === undefined ? [] : [otherParent])];
  const commit = await project.store.writeCommit({ tree, parents, message: `settings: ${message}\n`, author: signature });
  await project.store.updateRef(CONFIG_REF, commit, head);
  return commit;
}

/** Takes the settings of config commit `oid` (checked first) as the project's. Hold the lock. */
export async function adoptConfig(project: Project, oid: string): Promise<void> {
  const { bytes, config } = await readConfigCommit(project, oid);
  const head = await project.store.resolveRef(CONFIG_REF);
  await project.store.writeMeta(CONFIG_META, bytes);
  if (head !== oid) await project.store.updateRef(CONFIG_REF, oid, head);
  project.config = config;
}
