// Wiping and restoring cache fields by rewriting only the bytes of those fields' values. The cache
// is what costs money to regenerate; the rest of the file is the user's, formatting included, and
// must come out byte for byte as it went in.

import { NbvError } from '../errors.js';
import { toPointer } from '../json/pointer.js';
import { strictParseJson, type Span } from '../json/strictParse.js';
import { cacheEntries, findNode, type NodeLocation } from './nodes.js';
import { parseNbflow, parseRecordedNbflow } from './parse.js';
import { appendMembers, deeperStyle, indentUnit, matchNewlines, memberStyle, newlineOf, objectText, spliceBytes, type NewMember, type TextEdit } from './textEdits.js';
import type { NbflowConfig, NbflowDocument, NbflowNode, ParsedNbflow } from './types.js';

export interface CacheFieldChange {
  node: string;
  field: string;
  /** Entries the field held before a wipe; entries it holds after a transplant. */
  entries: number;
}

export interface WipeResult {
  bytes: Uint8Array;
  wiped: CacheFieldChange[];
  /** The result, parsed (the self-check parses it anyway). */
  parsed: ParsedNbflow;
}

export interface TransplantResult {
  bytes: Uint8Array;
  restored: CacheFieldChange[];
  parsed: ParsedNbflow;
}

const nodePath = (loc: NodeLocation): Array<string | number> => ['tabs', loc.tabIndex, 'nodes', loc.nodeIndex];

/** Spans of every node object, its data object and its cache values. */
function cacheSpans(parsed: ParsedNbflow, config: NbflowConfig): Map<string, Span> {
  const cacheFields = new Set(config.cacheFields);
  return strictParseJson(parsed.text, parsed.file, {
    spanOf: (p) =>
      p.length >= 4 &&
      p.length <= 6 &&
      p[0] === 'tabs' &&
      p[2] === 'nodes' &&
      (p.length === 4 || (p[4] === 'data' && (p.length === 5 || cacheFields.has(p[5] as string)))),
  }).spans;
}

function spanAt(spans: Map<string, Span>, path: Array<string | number>): Span {
  const span = spans.get(toPointer(path));
  if (span === undefined) throw new Error(`internal error: no text span for ${toPointer(path)}`);
  return span;
}

/** The requested nodes in document order, each once; an unknown id is the caller's mistake. */
function locate(parsed: ParsedNbflow, nodeIds: readonly string[], role: string): NodeLocation[] {
  const locations = [...new Set(nodeIds)].map((id) => {
    const loc = findNode(parsed.doc, id);
    if (loc === undefined) throw new NbvError('NO_MATCH', `no node has id '${id}' in ${role}${parsed.file}`, { file: parsed.file });
    return loc;
  });
  return locations.sort((a, b) => a.tabIndex - b.tabIndex || a.nodeIndex - b.nodeIndex);
}

function expectedData(expected: NbflowDocument, loc: NodeLocation): Record<string, unknown> {
  const node = expected.tabs[loc.tabIndex]?.nodes[loc.nodeIndex] as NbflowNode;
  node.data ??= {};
  return node.data;
}

/** Re-reads the edited bytes and compares them with the document the edit was meant to produce.
 * Key order is preserved by every edit, so comparing serialisations is an exact deep-equal. */
/**
 * The edited bytes, parsed, when they hold exactly the expected document. `strict`: the strict scan
 * as for any new file, needed when the edit brings in text from elsewhere (a restore's cache, from
 * a recorded state). A wipe only puts `[]` in place of values of a text the strict scan passed,
 * which cannot make a duplicate key, a lone surrogate or more depth: JSON.parse and the comparison
 * with the expected document decide (the second strict scan was 20 ms of a 1 MB wipe).
 */
function checkedResult(bytes: Uint8Array, file: string, expected: NbflowDocument, what: string, strict: boolean): ParsedNbflow {
  let parsed: ParsedNbflow;
  try {
    parsed = strict ? parseNbflow(bytes, file) : parseRecordedNbflow(bytes, file);
  } catch (err) {
    throw new Error(`internal error: the ${what} of ${file} produced an unreadable document: ${(err as Error).message}`, { cause: err });
  }
  if (JSON.stringify(parsed.doc) !== JSON.stringify(expected)) {
    throw new Error(`internal error: the ${what} of ${file} did not produce the expected document; nothing was written`);
  }
  return parsed;
}

function hasOwnField(node: NbflowNode, field: string): boolean {
  return node.data !== undefined && Object.hasOwn(node.data, field);
}

export function wipeCache(parsed: ParsedNbflow, nodeIds: readonly string[], config: NbflowConfig): WipeResult {
  const locations = locate(parsed, nodeIds, '');
  const spans = cacheSpans(parsed, config);
  const expected = structuredClone(parsed.doc);
  const edits: TextEdit[] = [];
  const wiped: CacheFieldChange[] = [];
  for (const loc of locations) {
    for (const field of config.cacheFields) {
      const entries = cacheEntries(loc.node, field).length;
      if (entries === 0) continue;
      edits.push({ ...spanAt(spans, [...nodePath(loc), 'data', field]), text: '[]' });
      expectedData(expected, loc)[field] = [];
      wiped.push({ node: loc.node.id, field, entries });
    }
  }
  if (edits.length === 0) return { bytes: parsed.bytes, wiped, parsed };
  const bytes = spliceBytes(parsed.text, parsed.bytes, edits);
  return { bytes, wiped, parsed: checkedResult(bytes, parsed.file, expected, 'cache wipe', false) };
}

/** Copies the cache of `nodeIds` from `source` into `target`, verbatim: a restore must bring back
 * exactly the outputs that were there, not a re-serialisation of them. */
export function transplantCache(target: ParsedNbflow, source: ParsedNbflow, nodeIds: readonly string[], config: NbflowConfig): TransplantResult {
  const locations = locate(target, nodeIds, '');
  const sourceLocations = new Map(locate(source, nodeIds, 'the source ').map((loc) => [loc.node.id, loc]));
  const targetSpans = cacheSpans(target, config);
  const sourceSpans = cacheSpans(source, config);
  const newline = newlineOf(target.text);
  const unit = indentUnit(target.text);
  const expected = structuredClone(target.doc);
  const edits: TextEdit[] = [];
  const restored: CacheFieldChange[] = [];

  for (const loc of locations) {
    const from = sourceLocations.get(loc.node.id) as NodeLocation;
    const dataPath = [...nodePath(loc), 'data'];
    const inserts: NewMember[] = [];
    for (const field of config.cacheFields) {
      const sourceCount = cacheEntries(from.node, field).length;
      const targetHas = hasOwnField(loc.node, field);
      if (sourceCount > 0) {
        const sourceSpan = spanAt(sourceSpans, [...nodePath(from), 'data', field]);
        const valueText = matchNewlines(source.text.slice(sourceSpan.start, sourceSpan.end), newline);
        if (targetHas) {
          const span = spanAt(targetSpans, [...dataPath, field]);
          if (target.text.slice(span.start, span.end) === valueText) continue;
          edits.push({ ...span, text: valueText });
        } else {
          inserts.push({ key: field, valueText });
        }
        expectedData(expected, loc)[field] = structuredClone(from.node.data?.[field]);
        restored.push({ node: loc.node.id, field, entries: sourceCount });
      } else if (cacheEntries(loc.node, field).length > 0) {
        edits.push({ ...spanAt(targetSpans, [...dataPath, field]), text: '[]' });
        expectedData(expected, loc)[field] = [];
        restored.push({ node: loc.node.id, field, entries: 0 });
      }
    }
    if (inserts.length > 0) edits.push(insertion(target.text, targetSpans, loc, inserts, unit));
  }
  if (edits.length === 0) return { bytes: target.bytes, restored, parsed: target };
  const bytes = spliceBytes(target.text, target.bytes, edits);
  return { bytes, restored, parsed: checkedResult(bytes, target.file, expected, 'cache restore', true) };
}

/** Adds members to a node's data object, creating `data` when the node has none, laid out like the
 * node's own members one level deeper. */
function insertion(text: string, spans: Map<string, Span>, loc: NodeLocation, members: NewMember[], unit: string): TextEdit {
  const nodeSpan = spanAt(spans, nodePath(loc));
  const nodeStyle = memberStyle(text, nodeSpan);
  if (nodeStyle === undefined) throw new Error(`internal error: node '${loc.node.id}' has an empty object`);
  const deeper = deeperStyle(nodeStyle, unit);
  if (loc.node.data !== undefined) return appendMembers(text, spanAt(spans, [...nodePath(loc), 'data']), members, deeper);
  return appendMembers(text, nodeSpan, [{ key: 'data', valueText: objectText(members, deeper.inner, deeper.closing) }], deeper);
}
