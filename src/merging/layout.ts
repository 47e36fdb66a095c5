// How our file is laid out, and raw JSON text re-laid out that way. Values that come from theirs
// are copied from THEIR text, token by token (so a number keeps its spelling and a string its
// escapes, which a JSON.parse/stringify round trip would lose), and only the whitespace between
// tokens is ours: our indentation unit, our line ending, our colon spacing.

import { indentUnit, memberStyle, newlineOf } from '../nbflow/textEdits.js';

export interface Layout {
  /** One level of indentation; '' for a one-line (minified) file. */
  unit: string;
  /** '\n', '\r\n', or '' for a one-line file. */
  newline: string;
  /** What sits between a key and its value (": " or ":"). */
  colon: string;
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

export function layoutOf(text: string): Layout {
  const oneLine = !text.trimEnd().includes('\n');
  let start = 0;
  while (isSpace(text.charCodeAt(start))) start++;
  const style = text.charCodeAt(start) === 123 ? memberStyle(text, { start, end: text.length }) : undefined;
  return {
    unit: oneLine ? '' : indentUnit(text),
    newline: oneLine ? '' : newlineOf(text),
    colon: style?.colon ?? (oneLine ? ':' : ': '),
  };
}

/** The indentation of the line that holds `offset`. */
export function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let end = lineStart;
  while (end < offset && (text.charCodeAt(end) === 32 || text.charCodeAt(end) === 9)) end++;
  return text.slice(lineStart, end);
}

function endOfString(text: string, quote: number): number {
  for (let j = quote + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 92) j++;
    else if (c === 34) return j + 1;
  }
  return text.length;
}

/** `raw` (one valid JSON value) laid out in `layout`, its first line placed at `indent`. */
export function relayout(raw: string, layout: Layout, indent: string): string {
  const { unit, newline, colon } = layout;
  const out: string[] = [];
  let depth = 0;
  const breakLine = () => (newline === '' ? '' : newline + indent + unit.repeat(depth));
  for (let i = 0; i < raw.length; ) {
    const c = raw.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === 34) {
      const end = endOfString(raw, i);
      out.push(raw.slice(i, end));
      i = end;
    } else if (c === 123 || c === 91) {
      let next = i + 1;
      while (isSpace(raw.charCodeAt(next))) next++;
      const close = c === 123 ? 125 : 93;
      if (raw.charCodeAt(next) === close) {
        out.push(c === 123 ? '{}' : '[]');
        i = next + 1;
      } else {
        depth++;
        out.push(raw[i]!, breakLine());
        i++;
      }
    } else if (c === 125 || c === 93) {
      depth--;
      out.push(breakLine(), raw[i]!);
      i++;
    } else if (c === 44) {
      out.push(',', breakLine());
      i++;
    } else if (c === 58) {
      out.push(colon);
      i++;
    } else {
      let end = i + 1;
      while (end < raw.length && !isSpace(raw.charCodeAt(end)) && !',:]}'.includes(raw[end]!)) end++;
      out.push(raw.slice(i, end));
      i = end;
    }
  }
  return out.join('');
}
