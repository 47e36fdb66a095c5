// Retention of the backups/ view: which files history defines stay on disk. The view itself never
// shrinks (it is a function of the store); retention only chooses which of its files `backups
// sync` keeps written, so `backups sync --all` can always bring any of them back byte-exact.
import type { BackupsConfig, KeepCount } from '../nbflow/index.js';
import type { ViewFile } from './backupsView.js';

export type ViewFileKind = 'superseded' | 'preChange';

export const KEEP_ALL: Readonly<BackupsConfig> = Object.freeze({ keep: Object.freeze({ superseded: 'all', preChange: 'all' }) });

/** `.bak-<date>-pre-<what>` names are pre-change backups; every other name (a superseded version,
 * an imported or adopted copy) holds a version. */
export function viewFileKind(path: string): ViewFileKind {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.includes('.bak-') ? 'preChange' : 'superseded';
}

export interface Retained {
  kept: ViewFile[];
  /** View files retention leaves off the disk: still in history. */
  dropped: ViewFile[];
}

/** Per workflow and kind, the newest `keep` distinct paths stay. `view` is as expectedView gives it:
 * each workflow's files oldest first. A path listed twice (a name reused for the same bytes) counts
 * once, at its newest listing. A copy the user adopted is always kept and never counted. */
export function applyRetention(view: ViewFile[], config: BackupsConfig | undefined): Retained {
  const keep = (config ?? KEEP_ALL).keep;
  const limit = (kind: ViewFileKind): KeepCount => keep[kind];
  if (limit('superseded') === 'all' && limit('preChange') === 'all') return { kept: [...view], dropped: [] };
  const keptPaths = new Set<string>();
  const counted = new Map<string, Set<string>>();
  for (let i = view.length - 1; i >= 0; i--) {
    const file = view[i]!;
    if (file.adopted) {
      keptPaths.add(file.path);
      continue;
    }
    const kind = viewFileKind(file.path);
    const key = `${file.workflow}\0${kind}`;
    const seen = counted.get(key) ?? new Set<string>();
    counted.set(key, seen);
    if (seen.has(file.path)) continue;
    seen.add(file.path);
    const max = limit(kind);
    if (max === 'all' || seen.size <= max) keptPaths.add(file.path);
  }
  const kept: ViewFile[] = [];
  const dropped: ViewFile[] = [];
  for (const file of view) (keptPaths.has(file.path) ? kept : dropped).push(file);
  return { kept, dropped };
}
