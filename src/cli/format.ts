// Text renderings shared by several commands. Pure: values in, lines out.
import type { DocumentDiff, NodeDiff } from '../nbflow/types.js';
import type { FieldChange } from '../nbflow/types.js';
import type { LogItem } from '../engine/log.js';
import { describeEdgeChange, formatWordDiff, wordDiff, type EdgeChange } from '../nbflow/index.js';

/** Unchanged words kept around each change of a prompt's word diff. */
const WORD_CONTEXT = 24;

export const short = (oid: string | null | undefined) => (oid ? oid.slice(0, 7) : '-------');

function quote(value: unknown, max = 60): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined ? 'nothing' : text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Two values side by side, showing where they differ: a long shared start (a bucket URL, a long
 * prompt) is elided at a '/' or ' ' so that `…/jane-v2.png -> …/jane-v3.png` is what is read. */
function beforeAfter(before: unknown, after: unknown): string {
  if (typeof before !== 'string' || typeof after !== 'string') return `${quote(before)} -> ${quote(after)}`;
  let shared = 0;
  while (shared < before.length && shared < after.length && before[shared] === after[shared]) shared++;
  const cut = Math.max(before.lastIndexOf('/', shared - 1), before.lastIndexOf(' ', shared - 1));
  if (cut < 20) return `${quote(before)} -> ${quote(after)}`;
  return `${quote('…' + before.slice(cut))} -> ${quote('…' + after.slice(cut))}`;
}

export function describeChange(change: FieldChange): string {
  switch (change.kind) {
    case 'cache-filled':
    case 'cache-wiped':
    case 'cache-changed': {
      const c = change.cache;
      if (!c) return change.kind;
      const delta = [c.added ? `+${c.added}` : '', c.removed ? `-${c.removed}` : ''].filter(Boolean).join(' ');
      return `${change.kind.replace('-', ' ')} ${c.field} ${c.before} -> ${c.after}${delta ? ` (${delta})` : ''}`;
    }
    case 'model-changed':
      return `model ${beforeAfter(change.before, change.after)}`;
    case 'reference-changed':
      return `${change.field ?? 'reference'} ${beforeAfter(change.before, change.after)}`;
    case 'prompt-edited':
      if (typeof change.before === 'string' && typeof change.after === 'string') {
        return `${change.field ?? 'prompt'} edited: ${formatWordDiff(wordDiff(change.before, change.after), WORD_CONTEXT)}`;
      }
      return `${change.field ?? 'prompt'} edited`;
    case 'input-changed':
    case 'presentation-changed':
    case 'other-changed':
      return `${change.field ?? change.kind} changed`;
    default:
      return change.kind;
  }
}

export function describeNode(node: NodeDiff): string {
  const mark = node.changes.some((c) => c.kind === 'added') ? '+' : node.changes.some((c) => c.kind === 'removed') ? '-' : '~';
  const label = node.title ? `${node.node} (${node.title}, ${node.tab})` : `${node.node} (${node.tab})`;
  const changes = node.changes.filter((c) => c.kind !== 'added' && c.kind !== 'removed').map(describeChange);
  return `  ${mark} ${label}${changes.length ? `: ${changes.join('; ')}` : ''}`;
}

/** Per-node lines; with `limit`, the first nodes and then one line that counts the rest by kind
 * of change, so a 40-node restore does not bury what the command said. */
export function describeDiff(diff: DocumentDiff, limit = Infinity, edges?: EdgeChange[]): string[] {
  const shown = diff.nodes.slice(0, limit);
  const lines = shown.map(describeNode);
  const rest = diff.nodes.slice(shown.length);
  if (rest.length) {
    const counts = new Map<string, number>();
    for (const node of rest) for (const kind of new Set(node.changes.map((c) => c.kind))) counts.set(kind, (counts.get(kind) ?? 0) + 1);
    const kinds = [...counts].map(([kind, n]) => `${kind} ${n}`).join(', ');
    lines.push(`  … and ${rest.length} more node${rest.length === 1 ? '' : 's'} (${kinds}); 'nbv diff' lists them all`);
  }
  // Edges are named by their ends when the caller diffed them; their JSON paths are then noise.
  const other = edges ? diff.other.filter((p) => !/^\/tabs\/\d+\/edges(\/|$)/.test(p)) : diff.other;
  for (const edge of edges ?? []) lines.push(`  ~ edge ${describeEdgeChange(edge)}${edge.tab ? ` (${edge.tab})` : ''}`);
  if (other.length) lines.push(`  ~ outside nodes: ${other.join(', ')}`);
  return lines.length ? lines : ['  no differences'];
}

/** How many nodes a command's confirmation lists before it summarises. */
export const CONFIRMATION_NODES = 8;

export function describeLogItem(item: LogItem): string {
  const date = item.date.slice(0, 16).replace('T', ' ');
  const nodes = item.nodes.length === 0 ? '' : item.nodes.length <= 4 ? ` [${item.nodes.join(', ')}]` : ` [${item.nodes.length} nodes]`;
  const who = item.author.replace(/\s*<.*>$/, '');
  const merge = item.parents?.length === 2 ? ` (parents ${short(item.parents[0])} ${short(item.parents[1])})` : '';
  return `${short(item.commit)} ${date} ${item.op.padEnd(7)} ${item.version.padEnd(5)} ${who}: ${item.message.split('\n')[0]}${merge}${nodes}`;
}
