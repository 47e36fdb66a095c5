// Small text-level helpers for tests that must reason about bytes, not parsed values.
import { expect } from 'vitest';

/** The [start, end) of the JSON array value of `field` in the node with `nodeId`, by bracket
 * matching that skips strings. Good enough for the fixtures' well-formed documents. */
export function arraySpan(text: string, nodeId: string, field: string): [number, number] | null {
  const nodeAt = text.search(new RegExp(`"id"\\s*:\\s*"${nodeId}"`));
  expect(nodeAt, `node ${nodeId}`).toBeGreaterThanOrEqual(0);
  const nextNode = text.slice(nodeAt + 1).search(/"id"\s*:\s*"(img|vid)-/);
  const limit = nextNode < 0 ? text.length : nodeAt + 1 + nextNode;
  const fieldAt = text.slice(nodeAt, limit).search(new RegExp(`"${field}"\\s*:\\s*\\[`));
  if (fieldAt < 0) return null;
  const start = text.indexOf('[', nodeAt + fieldAt);
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) return [start, i + 1];
    }
  }
  throw new Error('unbalanced');
}

/** The text with the named cache arrays emptied: what a byte-surgical wipe must produce. */
export function expectedWipe(text: string, targets: Array<[nodeId: string, field: string]>): string {
  const spans = targets
    .map(([id, field]) => arraySpan(text, id, field))
    .filter((s): s is [number, number] => s !== null)
    .sort((a, b) => b[0] - a[0]);
  let out = text;
  for (const [start, end] of spans) out = out.slice(0, start) + '[]' + out.slice(end);
  return out;
}

/** Inserts text at the start of a node's prompt, leaving every other byte as it was. */
export function withPromptPrefix(text: string, nodeId: string, prefix: string): string {
  const nodeAt = text.search(new RegExp(`"id"\\s*:\\s*"${nodeId}"`));
  const at = text.indexOf('"prompt": "', nodeAt) + '"prompt": "'.length;
  return text.slice(0, at) + prefix + text.slice(at);
}

/** Replaces every occurrence of one string (a URL, a model id) in the text. */
export function replaceAll(text: string, from: string, to: string): string {
  expect(text.includes(from), `text contains ${from}`).toBe(true);
  return text.split(from).join(to);
}
