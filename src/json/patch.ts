// RFC 6902 patches between documents. fast-json-patch does the work; this file adds the guard
// rails: inputs are never mutated, results never alias the patch, and no operation may reach the
// prototype chain (documents can never hold such keys, so a patch that names one is hostile).

import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { NbvError } from '../errors.js';
import { FORBIDDEN_KEYS } from './strictParse.js';
import { parsePointer } from './pointer.js';

export type { Operation };

export function makePatch(before: unknown, after: unknown): Operation[] {
  return fastJsonPatch.compare(before as object, after as object);
}

function checkPointer(pointer: unknown, index: number, what: string): void {
  if (typeof pointer !== 'string') return; // fast-json-patch's validator reports the shape error
  let tokens: string[];
  try {
    tokens = parsePointer(pointer);
  } catch (err) {
    throw new NbvError('BAD_DOCUMENT', `patch operation ${index}: ${(err as Error).message}`);
  }
  const bad = tokens.find((token) => FORBIDDEN_KEYS.has(token));
  if (bad !== undefined) {
    throw new NbvError('BAD_DOCUMENT', `patch operation ${index}: ${what} '${pointer}' names the forbidden key '${bad}'`);
  }
}

/** Walks values without recursion: a patch value may be a whole (deep) document. */
function findForbiddenKey(value: unknown): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === null || typeof item !== 'object') continue;
    if (Array.isArray(item)) {
      for (const element of item) stack.push(element);
      continue;
    }
    for (const key of Object.keys(item)) {
      if (FORBIDDEN_KEYS.has(key)) return key;
      stack.push((item as Record<string, unknown>)[key]);
    }
  }
  return undefined;
}

/** Applies `patch` to a deep clone of `doc`; neither argument is mutated. Any invalid operation
 * (bad shape, unresolvable path, failed test, prototype key) -> BAD_DOCUMENT; callers rewrap it
 * with what the patch belongs to. */
export function applyPatchToClone<T>(doc: T, patch: readonly Operation[]): T {
  if (!Array.isArray(patch)) throw new NbvError('BAD_DOCUMENT', 'the patch is not an array of operations');
  patch.forEach((operation: unknown, index) => {
    if (operation === null || typeof operation !== 'object') return;
    const op = operation as Record<string, unknown>;
    checkPointer(op['path'], index, 'path');
    checkPointer(op['from'], index, 'from');
    const key = findForbiddenKey(op['value']);
    if (key !== undefined) throw new NbvError('BAD_DOCUMENT', `patch operation ${index}: its value holds the forbidden key '${key}'`);
  });
  // Cloning the patch too: fast-json-patch inserts operation values into the result by reference.
  // Operations are applied one by one (what applyPatch does after its own clone) because its
  // validator reports every failure as operation 0.
  const ownPatch = structuredClone(patch) as Operation[];
  let result = structuredClone(doc);
  ownPatch.forEach((operation, index) => {
    try {
      result = fastJsonPatch.applyOperation(result, operation, true, true, true, index).newDocument;
    } catch (err) {
      const detail = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
      throw new NbvError('BAD_DOCUMENT', `patch operation ${index} (${describeOperation(operation)}): cannot apply it: ${detail}`, { cause: err });
    }
  });
  return result;
}

function describeOperation(operation: unknown): string {
  if (operation === null || typeof operation !== 'object') return 'not an object';
  const { op, path } = operation as { op?: unknown; path?: unknown };
  return `${String(op)} ${typeof path === 'string' ? (path === '' ? '(root)' : path) : '(no path)'}`;
}
