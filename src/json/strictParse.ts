// A validating JSON scanner that is stricter than JSON.parse where JSON.parse is silently lossy
// (duplicate keys, lone surrogates) or dangerous (prototype keys, unbounded depth), and that records
// the exact text span of chosen values so callers can edit bytes surgically. It only validates and
// measures; the value itself comes from the native JSON.parse, which is much faster than building
// it here. The explicit stack keeps a 100,000-level document from overflowing the call stack.

import { NbvError, type NbvErrorCode } from '../errors.js';
import { describePointer, toPointer, type PathToken } from './pointer.js';
import { describeChar, isDigit, isHex, isHigh, isLow, lineColumn } from './textPosition.js';

export { lineColumn };

export interface Span {
  /** Offset (UTF-16 code units) of the value's first character. */
  start: number;
  /** Offset just past the value's last character. */
  end: number;
}

export interface StrictParseOptions {
  maxDepth?: number;
  /** Called for every value with its path from the root; `true` records its span. The array is
   * reused by the scanner: read it, do not keep it. */
  spanOf?: (path: readonly PathToken[]) => boolean;
}

export interface StrictParseResult {
  value: unknown;
  /** JSON pointer -> span, for the values `spanOf` chose. */
  spans: Map<string, Span>;
}

export const DEFAULT_MAX_DEPTH = 256;

/** Keys that JSON-patch libraries and naive merges can follow into Object.prototype. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const enum State {
  Value,
  ValueOrCloseArray,
  KeyOrCloseObject,
  Key,
  Colon,
  CommaOrCloseObject,
  CommaOrCloseArray,
  End,
}

const EXPECTED: Record<State, string> = {
  [State.Value]: 'expected a value',
  [State.ValueOrCloseArray]: "expected a value or ']'",
  [State.KeyOrCloseObject]: "expected a string key or '}'",
  [State.Key]: "expected a string key after ','",
  [State.Colon]: "expected ':' after object key",
  [State.CommaOrCloseObject]: "expected ',' or '}' after object member",
  [State.CommaOrCloseArray]: "expected ',' or ']' after array element",
  [State.End]: 'expected the end of input after the JSON value',
};

/** Past this many members an object's keys go into a Set; below it a linear scan is cheaper than
 * allocating one Set per object (documents hold hundreds of thousands of small objects). */
const LINEAR_KEY_LIMIT = 16;

interface Frame {
  isObject: boolean;
  start: number;
  record: boolean;
  /** Where this object's keys begin in the shared key stack. */
  keyBase: number;
  keySet: Set<string> | null;
}

const PLAIN_RUN = /[^"\\\u0000-\u001f\ud800-\udfff]*/y;

export function strictParseJson(text: string, file: string, options: StrictParseOptions = {}): StrictParseResult {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const spanOf = options.spanOf;
  const spans = new Map<string, Span>();
  const n = text.length;
  const frames: Frame[] = [];
  const keyStack: string[] = [];
  const path: PathToken[] = [];

  const fail = (code: NbvErrorCode, what: string, offset: number): never => {
    const { line, column } = lineColumn(text, offset);
    throw new NbvError(code, `${file}: ${what} at ${line}:${column}`, { file, details: { line, column, offset } });
  };
  const unexpected = (state: State, offset: number): never => {
    const found = describeChar(text, offset);
    const lead = offset >= n ? 'unexpected end of input (the file looks truncated)' : `unexpected ${found}`;
    return fail('BAD_JSON', `${lead}: ${EXPECTED[state]}`, offset);
  };

  // Returns the offset just past the closing quote; sets `escaped` when the string used escapes.
  let escaped = false;
  const scanString = (start: number): number => {
    escaped = false;
    let j = start + 1;
    for (;;) {
      // The native regex engine skips runs of ordinary characters far faster than a charCodeAt loop.
      PLAIN_RUN.lastIndex = j;
      PLAIN_RUN.test(text);
      j = PLAIN_RUN.lastIndex;
      if (j >= n) return fail('BAD_JSON', 'unterminated string (the file looks truncated)', start);
      const c = text.charCodeAt(j);
      if (c === 34) return j + 1;
      if (c === 92) {
        escaped = true;
        const e = j + 1 < n ? text.charCodeAt(j + 1) : -1;
        if (e === 117) {
          const unit = readHex4(j + 2, j);
          if (isHigh(unit)) {
            // A high surrogate escape is only text when a low surrogate escape follows it.
            if (text.charCodeAt(j + 6) === 92 && text.charCodeAt(j + 7) === 117 && isLow(readHex4(j + 8, j + 6))) {
              j += 12;
              continue;
            }
            return fail('BAD_ENCODING', `lone surrogate escape '${text.slice(j, j + 6)}' in a string (not followed by a low surrogate)`, j);
          }
          if (isLow(unit)) return fail('BAD_ENCODING', `lone surrogate escape '${text.slice(j, j + 6)}' in a string (no high surrogate before it)`, j);
          j += 6;
        } else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) {
          j += 2;
        } else if (e === -1) {
          return fail('BAD_JSON', 'unterminated string (the file looks truncated)', start);
        } else {
          return fail('BAD_JSON', `invalid escape '\\${String.fromCodePoint(text.codePointAt(j + 1) ?? 0)}' in a string; valid escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX`, j);
        }
      } else if (c < 0x20) {
        return fail('BAD_JSON', `unescaped control character U+${c.toString(16).toUpperCase().padStart(4, '0')} in a string (must be escaped)`, j);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        if (isHigh(c) && isLow(text.charCodeAt(j + 1))) j += 2;
        else return fail('BAD_ENCODING', `lone surrogate U+${c.toString(16).toUpperCase()} in a string`, j);
      } else {
        j++;
      }
    }
  };
  const readHex4 = (at: number, escapeStart: number): number => {
    for (let k = at; k < at + 4; k++) {
      if (!isHex(text.charCodeAt(k))) {
        if (k >= n) return fail('BAD_JSON', 'unterminated string (the file looks truncated)', escapeStart);
        return fail('BAD_JSON', `invalid escape '${text.slice(escapeStart, k + 1)}': \\u needs four hex digits`, escapeStart);
      }
    }
    return parseInt(text.slice(at, at + 4), 16);
  };

  const scanNumber = (start: number): number => {
    let j = start;
    if (text.charCodeAt(j) === 45) j++;
    const first = text.charCodeAt(j);
    if (first === 48) {
      j++;
      if (isDigit(text.charCodeAt(j))) return fail('BAD_JSON', 'leading zero in a number (JSON numbers cannot start with 0 unless they are 0)', start);
    } else if (isDigit(first)) {
      while (isDigit(text.charCodeAt(j))) j++;
    } else {
      return fail('BAD_JSON', j >= n ? "unexpected end of input (the file looks truncated): expected a digit after '-'" : `unexpected ${describeChar(text, j)}: expected a digit after '-'`, j);
    }
    if (text.charCodeAt(j) === 46) {
      j++;
      if (!isDigit(text.charCodeAt(j))) return fail('BAD_JSON', `unexpected ${describeChar(text, j)}: expected a digit after the decimal point`, j);
      while (isDigit(text.charCodeAt(j))) j++;
    }
    const e = text.charCodeAt(j);
    if (e === 101 || e === 69) {
      j++;
      const sign = text.charCodeAt(j);
      if (sign === 43 || sign === 45) j++;
      if (!isDigit(text.charCodeAt(j))) return fail('BAD_JSON', `unexpected ${describeChar(text, j)}: expected a digit in the exponent`, j);
      while (isDigit(text.charCodeAt(j))) j++;
    }
    return j;
  };

  const afterValue = (): State => {
    const top = frames[frames.length - 1];
    if (top === undefined) return State.End;
    return top.isObject ? State.CommaOrCloseObject : State.CommaOrCloseArray;
  };
  const open = (isObject: boolean, start: number): void => {
    if (frames.length >= maxDepth) fail('BAD_DOCUMENT', `nested deeper than ${maxDepth} levels`, start);
    frames.push({ isObject, start, record: spanOf !== undefined && spanOf(path), keyBase: keyStack.length, keySet: null });
    path.push(isObject ? '' : 0);
  };
  const close = (end: number): void => {
    const frame = frames.pop() as Frame;
    keyStack.length = frame.keyBase;
    path.pop();
    if (frame.record) spans.set(toPointer(path), { start: frame.start, end });
  };

  let i = 0;
  let state: State = State.Value;
  for (;;) {
    let c = i < n ? text.charCodeAt(i) : -1;
    while (c === 32 || c === 10 || c === 13 || c === 9) c = ++i < n ? text.charCodeAt(i) : -1;
    if (state === State.End) {
      if (c === -1) break;
      fail('BAD_JSON', `unexpected ${describeChar(text, i)} after the JSON value (trailing content)`, i);
    }
    if (c === -1) {
      if (n === 0 || text.trim() === '') fail('BAD_JSON', 'the file is empty: expected a JSON value', i);
      unexpected(state, i);
    }
    switch (state) {
      case State.Value:
      case State.ValueOrCloseArray: {
        if (c === 93 && state === State.ValueOrCloseArray) {
          close(++i);
          state = afterValue();
        } else if (c === 123) {
          open(true, i++);
          state = State.KeyOrCloseObject;
        } else if (c === 91) {
          open(false, i++);
          state = State.ValueOrCloseArray;
        } else {
          const start = i;
          if (c === 34) i = scanString(i);
          else if (c === 45 || isDigit(c)) i = scanNumber(i);
          else if (c === 116 && text.startsWith('true', i)) i += 4;
          else if (c === 102 && text.startsWith('false', i)) i += 5;
          else if (c === 110 && text.startsWith('null', i)) i += 4;
          else unexpected(state, i);
          if (spanOf !== undefined && spanOf(path)) spans.set(toPointer(path), { start, end: i });
          state = afterValue();
        }
        break;
      }
      case State.KeyOrCloseObject:
      case State.Key: {
        if (c === 125 && state === State.KeyOrCloseObject) {
          close(++i);
          state = afterValue();
          break;
        }
        if (c !== 34) unexpected(state, i);
        const start = i;
        i = scanString(i);
        const key = escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
        const frame = frames[frames.length - 1] as Frame;
        if (FORBIDDEN_KEYS.has(key)) {
          fail('BAD_DOCUMENT', `forbidden key '${key}' in the object at ${describePointer(toPointer(path.slice(0, -1)))} (such keys can steer JSON-patch tools into changing globals)`, start);
        }
        let duplicate = false;
        if (frame.keySet !== null) {
          duplicate = frame.keySet.has(key);
          frame.keySet.add(key);
        } else {
          for (let k = frame.keyBase; k < keyStack.length; k++) {
            if (keyStack[k] === key) {
              duplicate = true;
              break;
            }
          }
          keyStack.push(key);
          if (keyStack.length - frame.keyBase > LINEAR_KEY_LIMIT) frame.keySet = new Set(keyStack.slice(frame.keyBase));
        }
        if (duplicate) fail('BAD_DOCUMENT', `duplicate key '${key}' in the object at ${describePointer(toPointer(path.slice(0, -1)))}`, start);
        path[path.length - 1] = key;
        state = State.Colon;
        break;
      }
      case State.Colon:
        if (c !== 58) unexpected(state, i);
        i++;
        state = State.Value;
        break;
      case State.CommaOrCloseObject:
        if (c === 44) {
          i++;
          state = State.Key;
        } else if (c === 125) {
          close(++i);
          state = afterValue();
        } else unexpected(state, i);
        break;
      case State.CommaOrCloseArray:
        if (c === 44) {
          i++;
          path[path.length - 1] = (path[path.length - 1] as number) + 1;
          state = State.Value;
        } else if (c === 93) {
          close(++i);
          state = afterValue();
        } else unexpected(state, i);
        break;
    }
  }
  return { value: JSON.parse(text) as unknown, spans };
}
