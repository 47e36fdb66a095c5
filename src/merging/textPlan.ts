// The merge's edits as byte splices of OUR text. Only the spans the edits name are found (a walk
// down each side's already-validated text, locate.ts), and only those bytes change: a replaced
// value, a removed member with the separator before it, an inserted member written in our layout
// after its predecessor. A container that ends up empty, or was empty, is rewritten whole.

import type { Span } from '../json/strictParse.js';
import { decodePointerToken, toPointer, type PathToken } from '../json/pointer.js';
import { memberStyle, type TextEdit } from '../nbflow/textEdits.js';
import { layoutOf, lineIndent, relayout, type Layout } from './layout.js';
import { locateSpans, PathTrie } from './locate.js';
import type { MergeEdit } from './merge3.js';

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

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
    if (span.start > container.start && span.end < container.end) children.push({ token: decodePointerToken(pointer.slice(prefix.length)), span });
  }
  return children.sort((a, b) => a.span.start - b.span.start);
}

export interface TextSides {
  oursText: string;
  theirsText: string;
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
  const oursSpans = locateSpans(oursText, oursTrie);
  const theirsSpans = locateSpans(theirsText, theirsTrie);
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
  // What follows a comma between members: the leading whitespace for a pretty-printed container,
  // but in a one-line `{"a": 1, "b": 2}` the first member has none and the others one space.
  const afterComma = (end: number) => {
    let at = end;
    while (text.charCodeAt(at) !== 44) at++;
    const from = ++at;
    while (at < container.end && isSpace(text.charCodeAt(at))) at++;
    return { from, to: at };
  };
  const between = children.length >= 2 ? text.slice(afterComma(first.span.end).from, afterComma(first.span.end).to) : leading.includes('\n') ? leading : layout.colon.endsWith(' ') ? ' ' : '';
  const edits: TextEdit[] = [];
  for (const edit of inserts) {
    let after = edit.after === null ? -1 : indexOf(edit.after);
    while (after >= 0 && removed.has(after)) after--;
    const text = member(edit, indent);
    const at = after === -1 ? container.start + 1 + leading.length : children[after]!.span.end;
    edits.push({ start: at, end: at, text: after === -1 ? `${text},${between}` : `,${between}${text}` });
  }
  for (let a = 0; a < children.length; a++) {
    if (!removed.has(a)) continue;
    let b = a;
    while (removed.has(b + 1)) b++;
    if (a > 0) {
      edits.push({ start: children[a - 1]!.span.end, end: children[b]!.span.end, text: '' });
    } else {
      // From after our first member's leading whitespace to the next kept member's key: the kept
      // member then sits where the first one did, with the same leading whitespace.
      edits.push({ start: container.start + 1 + leading.length, end: afterComma(children[b]!.span.end).to, text: '' });
    }
    a = b;
  }
  return edits;
}
