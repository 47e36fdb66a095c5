// Character classes and positions for the strict scanner's error messages.

/** 1-based line and column (in code points) of a string offset. Only computed for errors. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const stop = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < stop; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let column = 1;
  for (let i = lineStart; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > lineStart && isHigh(text.charCodeAt(i - 1))) continue;
    column++;
  }
  return { line, column };
}

export function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
export function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
export function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

export function describeChar(text: string, offset: number): string {
  if (offset >= text.length) return 'end of input';
  const cp = text.codePointAt(offset) ?? 0;
  if (cp < 0x20 || cp === 0x7f || cp === 0xfeff) return `character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${String.fromCodePoint(cp)}'`;
}
