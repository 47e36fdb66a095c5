// RFC 6901 JSON pointers. Order matters when escaping: '~' first, or '/' -> '~1' would be re-escaped.

export type PathToken = string | number;

export function encodePointerToken(token: PathToken): string {
  const text = String(token);
  if (text.indexOf('~') === -1 && text.indexOf('/') === -1) return text;
  return text.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Decoding order is the reverse of encoding: '~1' first, so '~01' stays '~1'. */
export function decodePointerToken(token: string): string {
  if (token.indexOf('~') === -1) return token;
  if (/~[^01]|~$/.test(token)) throw new Error(`invalid JSON pointer token '${token}': '~' must be followed by 0 or 1`);
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function toPointer(path: readonly PathToken[]): string {
  let out = '';
  for (const token of path) out += '/' + encodePointerToken(token);
  return out;
}

/** Tokens come back as strings: a pointer cannot tell an array index from an object key. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`invalid JSON pointer '${pointer}': must be empty or start with '/'`);
  return pointer.slice(1).split('/').map(decodePointerToken);
}

/** For messages: the empty pointer (the whole document) reads badly on its own. */
export function describePointer(pointer: string): string {
  return pointer === '' ? 'the top level' : pointer;
}
