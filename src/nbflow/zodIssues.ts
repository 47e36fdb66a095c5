// Turns zod issues into the one-line "<JSON pointer>: <what is wrong>" that users read. Zod's own
// messages say "received undefined"; users need "is missing" and the path in pointer form.

import type { z } from 'zod';
import { describePointer, toPointer } from '../json/pointer.js';

type Issue = z.ZodError['issues'][number];

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    // Own properties only: a key "__proto__" must not walk into the prototype.
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

export function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return 'an object';
    default:
      return 'nothing';
  }
}

function article(expected: string): string {
  if (expected === 'record') return 'an object';
  if (expected === 'array' || expected === 'object') return `an ${expected}`;
  if (expected === 'string' || expected === 'number' || expected === 'boolean') return `a ${expected}`;
  return expected;
}

export function formatZodIssue(issue: Issue, root: unknown): string {
  const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
  const where = describePointer(toPointer(path));
  if (issue.code === 'invalid_type') {
    const actual = valueAt(root, issue.path);
    if (actual === undefined) return `${where}: ${article(issue.expected)} is required but missing`;
    return `${where}: expected ${article(issue.expected)}, found ${describeJsonValue(actual)}`;
  }
  if (issue.code === 'custom' && issue.message.startsWith('expected ')) {
    // Checks written as z.custom (schema.ts) name what they expect; say what was found, as above.
    return `${where}: ${issue.message}, found ${describeJsonValue(valueAt(root, issue.path))}`;
  }
  if (issue.code === 'unrecognized_keys') {
    return `${where}: unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  }
  return `${where}: ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`;
}
