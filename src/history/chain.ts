// Tamper evidence beyond git's own ids. Every op record carries its position in the branch (`seq`)
// and a sha256 chain: hash = sha256(domain + canonical JSON of the record with chain.hash left
// out), where the record includes `prev`, the parent's chain hash. The record itself holds the
// file's sha256, so the chain covers every state's bytes and every op record before it.
//
// Why beside git's sha1 ids: a commit can be re-created with `git commit-tree` over the same trees
// with other parents (a commit removed, two swapped) and git sees a valid history. The op records
// inside those trees still name their old neighbours, so the break shows. What the chain cannot
// catch is a rewrite of every record from the break on: docs/audit.md, "anchoring".
import { canonicalJson, sha256Hex } from '../json/index.js';
import type { HistoryEntry } from './history.js';
import { walkEntries } from './history.js';
import type { OpRecord } from './opRecord.js';
import type { Project } from './project.js';

export const CHAIN_DOMAIN = 'nbv-chain/1\n';

export type ChainLink = NonNullable<OpRecord['chain']>;

/** The chain hash of `op` as it would be with `seq` and `prev`: any other field may be present. */
export function chainHash(op: OpRecord, seq: number, prev: string | null): string {
  const { chain: _ignored, ...rest } = op;
  return sha256Hex(CHAIN_DOMAIN + canonicalJson({ ...rest, chain: { seq, prev } }));
}

async function positionOf(project: Project, parent: HistoryEntry): Promise<number> {
  if (parent.op.chain) return parent.op.chain.seq;
  // A parent recorded before chains existed: count its ancestors once.
  let count = 0;
  for await (const _entry of walkEntries(project, parent.commit)) count++;
  return count;
}

/** The link for a new record whose parent is `parent`; `op` is complete but for `chain`. */
export async function chainLink(project: Project, parent: HistoryEntry | null, op: OpRecord): Promise<ChainLink> {
  const seq = parent === null ? 1 : (await positionOf(project, parent)) + 1;
  const prev = parent?.op.chain?.hash ?? null;
  return { seq, prev, hash: chainHash(op, seq, prev) };
}

export interface ChainCheck {
  code: 'chain';
  detail: string;
}

/**
 * Checks one record, the `position`-th (1-based) of its branch, after `previous` (null for the
 * first, 'unknown' when older history could not be read); `chainedBefore` when any earlier record
 * carried a chain. Returns what is wrong.
 */
export function checkLink(op: OpRecord, position: number, previous: OpRecord | null | 'unknown', chainedBefore: boolean): ChainCheck[] {
  const problems: ChainCheck[] = [];
  const link = op.chain;
  if (!link) {
    if (chainedBefore) problems.push({ code: 'chain', detail: 'op.json has no chain although earlier records do (record replaced)' });
    return problems;
  }
  if (link.seq !== position) {
    problems.push({
      code: 'chain',
      detail: `op.json says it is commit #${link.seq} of the branch but it is #${position} (a commit was removed, inserted or moved before it)`,
    });
  }
  const expectedPrev = previous === 'unknown' ? link.prev : (previous?.chain?.hash ?? null);
  if (link.prev !== expectedPrev) {
    problems.push({ code: 'chain', detail: `op.json follows another record than its parent commit's (commits reordered or removed)` });
  }
  if (chainHash(op, link.seq, link.prev) !== link.hash) {
    problems.push({ code: 'chain', detail: `op.json's content does not match its chain hash (the record was edited)` });
  }
  return problems;
}
