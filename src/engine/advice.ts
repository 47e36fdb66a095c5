// The seed's two decision tables ("When you need to wipe cache", "Cache wipe vs. version bump"),
// applied to the change a user has pending. Each line names the command that carries it out.
import type { StatusReport } from './status.js';

const has = (report: StatusReport, kind: string) => report.changes.some((n) => n.changes.some((c) => c.kind === kind));

export function adviceFor(report: StatusReport): string[] {
  const advice: string[] = [];
  if (report.missing) advice.push(`${report.file} is missing: 'nbv restore HEAD' brings it back as recorded`);
  if (report.uncommitted) {
    const modelChanged = has(report, 'model-changed');
    const referenceChanged = has(report, 'reference-changed');
    if (modelChanged || referenceChanged) {
      const why = modelChanged && referenceChanged ? 'model and reference URL changed' : modelChanged ? 'model changed' : 'reference URL changed';
      const nodes = report.changes
        .filter((n) => n.changes.some((c) => c.kind === 'model-changed' || c.kind === 'reference-changed'))
        .map((n) => `--node ${n.node}`);
      advice.push(`${why}: wipe YES (old cached output was made with the old one), bump YES: 'nbv wipe ${nodes.join(' ')} --bump'`);
    } else if (has(report, 'prompt-edited') || has(report, 'input-changed') || has(report, 'added') || has(report, 'removed')) {
      advice.push(`edited: wipe NO (the runner regenerates edited nodes), bump YES (a meaningful change): 'nbv bump -m MSG'`);
    } else if (has(report, 'cache-filled') || has(report, 'cache-changed')) {
      advice.push(`a run filled caches: wipe NO, bump NO: 'nbv commit -m MSG' records the outputs`);
    } else if (has(report, 'cache-wiped')) {
      advice.push(`caches were cleared by hand: 'nbv commit -m MSG' records it (next time 'nbv wipe' keeps a backup)`);
    } else {
      advice.push(`'nbv commit -m MSG' records the working file`);
    }
  }
  if (report.stale.length > 0) {
    advice.push(`${report.stale.length} cache${report.stale.length === 1 ? '' : 's'} no longer match their node: the runner will regenerate them, or 'nbv wipe --stale' clears them now`);
  }
  if (report.backups.missing.length + report.backups.altered.length > 0) {
    advice.push(`backups/ differs from history: 'nbv backups sync' rebuilds it`);
  }
  return advice;
}
