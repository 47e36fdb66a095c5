// Text for fetch, push and pull results. Pure: values in, lines out.
import type { FetchResult } from '../engine/fetch.js';
import type { PullResult } from '../engine/pull.js';
import type { PushResult } from '../engine/push.js';
import type { WorkflowSync } from '../history/sharing/compare.js';
import { short } from './format.js';

export function describeSync(w: WorkflowSync): string {
  switch (w.state) {
    case 'same':
      return `  ${w.workflow}: up to date`;
    case 'ahead':
      return `  ${w.workflow}: ${w.ahead} state${w.ahead === 1 ? '' : 's'} ahead (nbv push sends them)`;
    case 'behind':
      return `  ${w.workflow}: ${w.behind} state${w.behind === 1 ? '' : 's'} behind (nbv pull takes them)`;
    case 'diverged':
      return `  ${w.workflow}: diverged, ${w.ahead} ahead and ${w.behind} behind (nbv pull merges)`;
    case 'local-only':
      return `  ${w.workflow}: only here (nbv push sends it)`;
    case 'remote-only':
      return `  ${w.workflow}: only on the remote (nbv pull takes it)`;
  }
}

export function describeFetch(r: FetchResult): string[] {
  return [`Fetched ${r.remote} (${r.url})${r.empty ? ': empty' : ''}`, ...r.workflows.map(describeSync), ...r.notes.map((n) => `  note: ${n}`)];
}

export function describePush(r: PushResult): string[] {
  if (r.updated.length === 0) return [`${r.remote} (${r.url}) is up to date`];
  return [
    `Pushed to ${r.remote} (${r.url})${r.started ? ', starting the repository' : ''}`,
    ...r.updated.map((u) => `  ${u.ref.replace(/^refs\/(heads|tags)\//, '')}: ${u.from === null ? 'new' : short(u.from)} -> ${short(u.to)}`),
  ];
}

export function describePull(r: PullResult): string[] {
  const lines = [`Pulled ${r.remote} (${r.url})${r.settings === 'taken' ? '; settings updated from the remote' : r.settings === 'kept-ours' ? '; both sides changed the settings: ours kept' : ''}`];
  for (const w of r.workflows) {
    if (w.saved) lines.push(`  ${w.workflow}: unrecorded edits were recorded first (${short(w.saved)})`);
    for (const v of w.renumbered) lines.push(`  ${w.workflow}: your unpushed ${v.from} is now ${v.to} (the remote has its own ${v.from})`);
    for (const f of w.renamedFiles) lines.push(`    renamed ${f.from} -> ${f.to}`);
    const what = {
      new: 'new here', 'fast-forward': 'fast-forwarded', merged: 'merged', conflicts: `${w.conflicts.length} conflict${w.conflicts.length === 1 ? '' : 's'}`,
      'up-to-date': 'up to date', ahead: 'ahead (nbv push sends it)',
    }[w.result];
    lines.push(`  ${w.workflow}: ${what} (${short(w.head)})`);
    for (const c of w.conflicts) {
      lines.push(`    ${c.node ?? c.tab ?? 'document'}${c.field}: ours ${JSON.stringify(c.ours)?.slice(0, 70)}, theirs ${JSON.stringify(c.theirs)?.slice(0, 70)}`);
    }
  }
  if (r.workflows.some((w) => w.result === 'conflicts')) {
    lines.push("  the working file holds our values at each conflict; 'nbv resolve --node ID (--ours|--theirs)', then 'nbv merge --continue' (or 'nbv merge --abort')");
  }
  lines.push(...r.notes.map((n) => `  note: ${n}`));
  return lines;
}
