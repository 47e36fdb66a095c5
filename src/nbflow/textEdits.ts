// Byte-exact text edits for JSON: splice replacements into the original bytes (so every byte
// outside an edit is the original byte, not a re-encoding of it), and write new object members in
// the formatting the document already uses.

import type { Span } from '../json/strictParse.js';

export interface TextEdit {
  /** Offsets in the decoded text; start === end inserts. */
  start: number;
  end: number;
  text: string;
}

const encoder = new TextEncoder();

function isWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Applies non-overlapping edits to `bytes`, whose strict UTF-8 decoding is `text`. */
export function spliceBytes(text: string, bytes: Uint8Array, edits: readonly TextEdit[]): Uint8Array {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const chunks: Uint8Array[] = [];
  let textAt = 0;
  let byteAt = 0;
  for (const edit of sorted) {
    if (edit.start < textAt || edit.end < edit.start) throw new Error(`internal error: overlapping text edits at offset ${edit.start}`);
    const byteStart = byteAt + Buffer.byteLength(text.slice(textAt, edit.start), 'utf8');
    const byteEnd = byteStart + Buffer.byteLength(text.slice(edit.start, edit.end), 'utf8');
    chunks.push(bytes.subarray(byteAt, byteStart), encoder.encode(edit.text));
    textAt = edit.end;
    byteAt = byteEnd;
  }
  chunks.push(bytes.subarray(byteAt));
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** How an object's members are laid out: what precedes each key ("\n    ", " " or "") and what
 * sits between a key and its value (": " or ":"). */
export interface MemberStyle {
  leading: string;
  colon: string;
}

function endOfString(text: string, quote: number): number {
  for (let j = quote + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 92) j++;
    else if (c === 34) return j + 1;
  }
  return text.length;
}

/** The layout of a non-empty object, read from its first member; undefined for `{}`. */
export function memberStyle(text: string, object: Span): MemberStyle | undefined {
  let k = object.start + 1;
  while (isWhitespace(text.charCodeAt(k))) k++;
  if (text.charCodeAt(k) !== 34) return undefined;
  const keyEnd = endOfString(text, k);
  let v = keyEnd;
  while (text.charCodeAt(v) !== 58 && v < object.end) v++;
  v++;
  while (isWhitespace(text.charCodeAt(v))) v++;
  return { leading: text.slice(object.start + 1, k), colon: text.slice(keyEnd, v) };
}

/** One indentation step: the indentation of the document's second line (its first member),
 * which for every pretty-printer in use is one level below the top. */
export function indentUnit(text: string): string {
  const newline = text.indexOf('\n');
  if (newline === -1) return '';
  const match = /^[ \t]*/.exec(text.slice(newline + 1, newline + 65));
  return match !== null && match[0] !== '' ? match[0] : '  ';
}

/** The style one object level deeper than `style` (for members of a member). */
export function deeperStyle(style: MemberStyle, unit: string): { inner: MemberStyle; closing: string } {
  if (!style.leading.includes('\n')) return { inner: style, closing: style.leading };
  return { inner: { leading: style.leading + unit, colon: style.colon }, closing: style.leading };
}

export interface NewMember {
  key: string;
  valueText: string;
}

export function objectText(members: readonly NewMember[], inner: MemberStyle, closing: string): string {
  const body = members.map((m, i) => `${i === 0 ? '' : ','}${inner.leading}${JSON.stringify(m.key)}${inner.colon}${m.valueText}`).join('');
  return `{${body}${closing}}`;
}

/** An edit that adds `members` as the last members of the object at `object`. `style` is the
 * layout to use when the object is empty (it has no first member to copy). */
export function appendMembers(text: string, object: Span, members: readonly NewMember[], emptyStyle: { inner: MemberStyle; closing: string }): TextEdit {
  const style = memberStyle(text, object);
  if (style === undefined) {
    return { start: object.start, end: object.end, text: objectText(members, emptyStyle.inner, emptyStyle.closing) };
  }
  let last = object.end - 2;
  while (isWhitespace(text.charCodeAt(last))) last--;
  const added = members.map((m) => `,${style.leading}${JSON.stringify(m.key)}${style.colon}${m.valueText}`).join('');
  return { start: last + 1, end: last + 1, text: added };
}

/** Raw JSON text can only hold line breaks as whitespace between tokens, so rewriting them to the
 * target's style cannot change the value. */
export function matchNewlines(valueText: string, newline: string): string {
  if (!valueText.includes('\n')) return valueText;
  return valueText.replace(/\r?\n/g, newline);
}

export function newlineOf(text: string): string {
  const at = text.indexOf('\n');
  return at > 0 && text.charCodeAt(at - 1) === 13 ? '\r\n' : '\n';
}
