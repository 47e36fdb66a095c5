// One line per conflict for people (git's merge driver prints these on stderr): where, why, and
// both values, shortened so a 1,500-character prompt does not flood the terminal.

import type { MergeConflict } from './mergeNbflow.js';

const MAX = 80;

function shown(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text;
}

const WHY: Record<MergeConflict['reason'], string> = {
  'both-changed': 'changed on both sides',
  'both-added': 'added on both sides, differently',
  'ours-deleted': 'deleted by ours, changed by theirs',
  'theirs-deleted': 'changed by ours, deleted by theirs',
  'refused-insert': 'added by theirs, but the id is used elsewhere',
};

export function describeConflict(conflict: MergeConflict): string {
  const where = conflict.node !== null ? `node ${conflict.node} (tab ${conflict.tab})` : conflict.tab !== null ? `tab ${conflict.tab}` : 'document';
  const field = conflict.field === '' ? '' : ` ${conflict.field}`;
  const why = conflict.detail ?? WHY[conflict.reason];
  return `${where}${field}: ${why}; ours ${shown(conflict.ours)}, theirs ${shown(conflict.theirs)}`;
}
