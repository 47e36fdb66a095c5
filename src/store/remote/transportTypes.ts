// The vocabulary every transport shares: which refs travel, a push's updates, progress.
import { refNameProblem, isFullOid } from '../refNames.js';

export interface TransferProgress {
  phase: string;
  loaded: number;
  total?: number;
}

export interface TransportOptions {
  env: NodeJS.ProcessEnv;
  onProgress?: (progress: TransferProgress) => void;
}

export interface PushUpdate {
  /** Full ref name, the same on both sides (refs/heads/X, refs/tags/X/V0-3, refs/nbv/config). */
  ref: string;
  oid: string;
  /** What the remote must hold now; null when the ref must not exist there yet. */
  expectedOld: string | null;
}

/** The project's settings travel as this ref: a commit whose tree holds nbv-config.json. */
export const CONFIG_REF = 'refs/nbv/config';

/** Refs that travel: branches, tags and the settings; any other name a remote shows is ignored. */
export function travels(ref: string): boolean {
  if (refNameProblem(ref) !== null) return false;
  return ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/') || ref === CONFIG_REF;
}

/** A remote's advertisement cut to what travels, with well-formed ids only. */
export function travellingRefs(entries: Iterable<[string, string]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [ref, oid] of entries) if (travels(ref) && isFullOid(oid)) out.set(ref, oid);
  return out;
}
