// The merge's edits as byte splices of OUR text. Only the spans the edits name are read (one
// strict scan of each side, recording just those spans), and only those bytes change: a replaced
// value, a removed member with the separator before it, an inserted member written in our layout
// after its predecessor. A container that ends up empty, or was empty, is rewritten whole.

import { strictParseJson, type Span } from '../json/strictParse.js';
import { toPointer, type PathToken } from '../json/pointer.js';
import { memberStyle, type TextEdit } from '../nbflow/textEdits.js';
import { layoutOf, lineIndent, relayout, type Layout } from './layout.js';
import type { MergeEdit } from './merge3.js';

/** Paths whose spans a scan records: a node marks itself, its children, or both. */
class PathTrie {
  private readonly children = new Map<string, PathTrie>();
  self = false;
  kids = false;

  at(path: readonly PathToken[]): PathTrie {
    let node: PathTrie = this;
    for (const token of path) {
      const key = String(token);
      let next = node.children.get(key);
      if (next === undefined) node.children.set(key, (next = new PathTrie()));
      node = next;
    }
    return node;
  }

  wants(path: readonly PathToken[]): boolean {
    let node: PathTrie = this;
    const last = path.length - 1;
    for (let i = 0; i <= last; i++) {
      if (i === last && node.kids) return true;
      const next = node.children.get(String(path[i]));
      if (next === undefined) return false;
      node = next;
    }
    return node.self;
  }
}

function spansOf(text: string, file: string, trie: PathTrie): Map<string, Span> {
  return strictParseJson(text, file, { spanOf: (path) => trie.wants(path) }).spans;
}

function spanAt(spans: Map<string, Span>, path: readonly PathToken[]): Span {
  const span = spans.get(toPointer(path));
  if (span === undefined) throw new Error(`internal error: the merge has no text span for ${toPointer(path)}`);
  return span;
}

interface Child {
  token: string;
  span: Span;
}

/** The members (or elements) of the container at `path`, in text order. */
function childrenOf(spans: Map<string, Span>, path: readonly PathToken[], container: Span): Child[] {
  const prefix = toPointer(path) + '/';
  const children: Child[] = [];
  for (const [pointer, span] of spans) {
    if (!pointer.startsWith(prefix) || pointer.indexOf('/', prefix.length) !== -1) continue;
    if (span.start > container.start && span.end < container.end) children.push({ token: pointer.slice(prefix.length), span });
  }
  return children.sort((a, b) => a.span.start - b.span.start);
}

export interface TextSides {
  oursText: string;
  oursFile: string;
  theirsText: string;
  theirsFile: string;
}

export function planTextEdits(sides: TextSides, edits: readonly MergeEdit[]): TextEdit[] {
  const { oursText, theirsText } = sides;
  const oursTrie = new PathTrie();
  const theirsTrie = new PathTrie();
  const containers = new Map<string, { path: PathToken[]; edits: Array<Extract<MergeEdit, { op: 'insert' | 'remove' }>> }>();
  for (const edit of edits) {
    if (edit.op === 'replace') {
      oursTrie.at(edit.ours).self = true;
      theirsTrie.at(edit.theirs).self = true;
      continue;
    }
    if (edit.op === 'insert') theirsTrie.at(edit.theirs).self = true;
    const node = oursTrie.at(edit.container);
    node.self = node.kids = true;
    const pointer = toPointer(edit.container);
    const group = containers.get(pointer) ?? { path: edit.container, edits: [] };
    group.edits.push(edit);
    containers.set(pointer, group);
  }
  if (edits.length === 0) return [];
  const oursSpans = spansOf(oursText, sides.oursFile, oursTrie);
  const theirsSpans = spansOf(theirsText, sides.theirsFile, theirsTrie);
  const layout = layoutOf(oursText);
  const theirsRaw = (path: readonly PathToken[]) => {
    const span = spanAt(theirsSpans, path);
    return theirsText.slice(span.start, span.end);
  };

  const out: TextEdit[] = [];
  for (const edit of edits) {
    if (edit.op !== 'replace') continue;
    const span = spanAt(oursSpans, edit.ours);
    out.push({ ...span, text: relayout(theirsRaw(edit.theirs), layout, lineIndent(oursText, span.start)) });
  }
  for (const { path, edits: group } of containers.values()) {
    out.push(...containerEdits(oursText, layout, path, spanAt(oursSpans, path), childrenOf(oursSpans, path, spanAt(oursSpans, path)), group, theirsRaw));
  }
  return out;
}

function containerEdits(
  text: string,
  layout: Layout,
  path: readonly PathToken[],
  container: Span,
  children: Child[],
  group: ReadonlyArray<Extract<MergeEdit, { op: 'insert' | 'remove' }>>,
  theirsRaw: (path: readonly PathToken[]) => string,
): TextEdit[] {
  const isObject = text.charCodeAt(container.start) === 123;
  const position = new Map(children.map((child, i) => [child.token, i]));
  const indexOf = (token: PathToken) => {
    const i = position.get(String(token));
    if (i === undefined) throw new Error(`internal error: no member ${String(token)} in ${toPointer(path)}`);
    return i;
  };
  const removed = new Set(group.filter((e) => e.op === 'remove').map((e) => indexOf(e.at)));
  const inserts = group.filter((e): e is Extract<MergeEdit, { op: 'insert' }> => e.op === 'insert');
  const member = (edit: Extract<MergeEdit, { op: 'insert' }>, indent: string) =>
    (isObject ? JSON.stringify(edit.key) + layout.colon : '') + relayout(theirsRaw(edit.theirs), layout, indent);

  if (removed.size === children.length) {
    // Nothing of ours is left inside: the container is written whole from what goes in.
    const raw = inserts.map((e) => (isObject ? `${JSON.stringify(e.key)}:${theirsRaw(e.theirs)}` : theirsRaw(e.theirs)));
    const open = isObject ? '{' : '[';
    const close = isObject ? '}' : ']';
    return [{ ...container, text: relayout(`${open}${raw.join(',')}${close}`, layout, lineIndent(text, container.start)) }];
  }

  const first = children[0]!;
  const leading = isObject ? (memberStyle(text, container)?.leading ?? '') : text.slice(container.start + 1, first.span.start);
  const indent = leading.includes('\n') ? leading.slice(leading.lastIndexOf('\n') + 1) : lineIndent(text, first.span.start);
  const edits: TextEdit[] = [];
  for (const edit of inserts) {
    let after = edit.after === null ? -1 : indexOf(edit.after);
    while (after >= 0 && removed.has(after)) after--;
    const text = member(edit, indent);
    if (after === -1) edits.push({ start: container.start + 1, end: container.start + 1, text: `${leading}${text},` });
    else edits.push({ start: children[after]!.span.end, end: children[after]!.span.end, text: `,${leading}${text}` });
  }
  for (let a = 0; a < children.length; a++) {
    if (!removed.has(a)) continue;
    let b = a;
    while (removed.has(b + 1)) b++;
    if (a > 0) {
      edits.push({ start: children[a - 1]!.span.end, end: children[b]!.span.end, text: '' });
    } else {
      let comma = children[b]!.span.end;
      while (text.charCodeAt(comma) !== 44) comma++;
      edits.push({ start: container.start + 1, end: comma + 1, text: '' });
    }
    a = b;
  }
  return edits;
}
