// Finds the text spans of chosen values in JSON text that the strict parser has already accepted.
// The strict scan checks every character and costs a few hundred milliseconds on a 5 MB file; the
// merge only needs the spans of the few values it edits, so this walks down the paths it wants
// and skips everything else (strings by searching for their closing quote, containers by depth).
// It validates nothing: give it only text that parseNbflow accepted.

import { toPointer, type PathToken } from '../json/pointer.js';
import type { Span } from '../json/strictParse.js';

/** Paths whose spans are wanted: a node marks itself, its direct children, or both. */
export class PathTrie {
  readonly children = new Map<string, PathTrie>();
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
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/** Offset just past the closing quote of the string whose opening quote is at `quote`. */
function endOfString(text: string, quote: number): number {
  let j = quote + 1;
  for (;;) {
    const close = text.indexOf('"', j);
    if (close === -1) return text.length;
    let backslashes = 0;
    for (let k = close - 1; text.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0) return close + 1;
    j = close + 1;
  }
}

export function locateSpans(text: string, trie: PathTrie): Map<string, Span> {
  const spans = new Map<string, Span>();
  const n = text.length;
  let i = 0;
  const skipSpace = () => {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
  };
  const skipValue = () => {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = endOfString(text, i);
    } else if (c === 123 || c === 91) {
      let depth = 0;
      for (;;) {
        const ch = text.charCodeAt(i);
        if (ch === 34) {
          i = endOfString(text, i);
          continue;
        }
        i++;
        if (ch === 123 || ch === 91) depth++;
        else if ((ch === 125 || ch === 93) && --depth === 0) return;
      }
    } else {
      while (i < n) {
        const ch = text.charCodeAt(i);
        if (ch === 44 || ch === 125 || ch === 93 || isSpace(ch)) break;
        i++;
      }
    }
  };
  const path: PathToken[] = [];
  const visit = (node: PathTrie | undefined, wantSelf: boolean) => {
    const start = i;
    const c = text.charCodeAt(i);
    const descend = node !== undefined && (node.kids || node.children.size > 0) && (c === 123 || c === 91);
    if (!descend) skipValue();
    else {
      const isObject = c === 123;
      i++;
      skipSpace();
      let index = 0;
      while (text.charCodeAt(i) !== (isObject ? 125 : 93)) {
        let token: PathToken = index++;
        if (isObject) {
          const keyEnd = endOfString(text, i);
          const raw = text.slice(i + 1, keyEnd - 1);
          token = raw.includes('\\') ? (JSON.parse(text.slice(i, keyEnd)) as string) : raw;
          i = keyEnd;
          skipSpace();
          i++; // ':'
          skipSpace();
        }
        const child = node.children.get(String(token));
        if (child === undefined && !node.kids) skipValue();
        else {
          path.push(token);
          visit(child, node.kids || child!.self);
          path.pop();
        }
        skipSpace();
        if (text.charCodeAt(i) === 44) {
          i++;
          skipSpace();
        }
      }
      i++;
    }
    if (wantSelf) spans.set(toPointer(path), { start, end: i });
  };
  skipSpace();
  visit(trie, trie.self);
  return spans;
}
