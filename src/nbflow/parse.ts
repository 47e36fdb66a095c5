// Bytes -> ParsedNbflow, refusing anything the engine could misread: oversize files, BOMs, invalid
// UTF-8, ambiguous JSON (see strictParse), shapes the engine does not know, duplicate node ids.

import { NbvError } from '../errors.js';
import { strictParseJson } from '../json/strictParse.js';
import { nbflowSchema } from './schema.js';
import type { NbflowDocument, ParsedNbflow } from './types.js';
import { formatZodIssue } from './zodIssues.js';

/** The largest .nbflow accepted: 64 MiB, ten times the largest real workflow seen, yet small
 * enough that the document, its JSON.parse value and a diff fit comfortably in memory. */
export const MAX_NBFLOW_BYTES = 64 * 1024 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeNbflowText(bytes: Uint8Array, file: string): string {
  if (bytes.length > MAX_NBFLOW_BYTES) {
    throw new NbvError('TOO_LARGE', `${file}: ${bytes.length} bytes is more than the ${MAX_NBFLOW_BYTES} bytes (64 MiB) an .nbflow may have`, { file });
  }
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw new NbvError('BAD_ENCODING', `${file}: starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM`, { file });
  }
  try {
    return decoder.decode(bytes);
  } catch (err) {
    throw new NbvError('BAD_ENCODING', `${file}: is not valid UTF-8${describeBadByte(bytes)}`, { file, cause: err });
  }
}

/** Only computed on failure: where the first invalid sequence is helps find it in an editor. A
 * lenient decode turns each invalid sequence into U+FFFD and everything before it re-encodes to
 * the same bytes, so the byte offset is the UTF-8 length of the text before the first U+FFFD that
 * was not a genuine EF BF BD in the file. */
function describeBadByte(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  let offset = 0;
  let from = 0;
  for (let at = text.indexOf('\uFFFD'); at !== -1; at = text.indexOf('\uFFFD', at + 1)) {
    offset += Buffer.byteLength(text.slice(from, at), 'utf8');
    from = at + 1;
    if (bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd) {
      offset += 3;
      continue;
    }
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
    return ` (invalid byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')} at byte offset ${offset}, line ${line})`;
  }
  return '';
}

export function parseNbflow(bytes: Uint8Array, file: string): ParsedNbflow {
  const text = decodeNbflowText(bytes, file);
  const { value } = strictParseJson(text, file);
  return { file, bytes, text, doc: validateNbflowValue(value, file) };
}

/**
 * Bytes that `parseNbflow` accepted once and that come back from the store, whose reader re-hashes
 * every object: the strict scan (a third of a commit's time on a 1 MB workflow) would only find
 * again what it found then. The shape is still checked, so a store forged with other tools cannot
 * crash the engine; `verify` re-checks stored bytes strictly.
 */
export function parseRecordedNbflow(bytes: Uint8Array, file: string): ParsedNbflow {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new NbvError('BAD_JSON', `${file}: the recorded state is not JSON (${(err as Error).message})`, { file });
  }
  return { file, bytes, text, doc: validateNbflowValue(value, file) };
}

export function validateNbflowValue(value: unknown, file: string): NbflowDocument {
  const result = nbflowSchema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues[0];
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problems)` : '';
    throw new NbvError('BAD_DOCUMENT', `${file}: ${first === undefined ? 'invalid document' : formatZodIssue(first, value)}${more}`, { file });
  }
  const doc = value as NbflowDocument;
  const seen = new Map<string, string>();
  doc.tabs.forEach((tab, t) => {
    tab.nodes.forEach((node, n) => {
      const here = `/tabs/${t}/nodes/${n}`;
      const earlier = seen.get(node.id);
      if (earlier !== undefined) {
        throw new NbvError('BAD_DOCUMENT', `${file}: node id '${node.id}' is used twice, at ${earlier} and at ${here}`, { file });
      }
      seen.set(node.id, here);
    });
  });
  return doc;
}
