// What each kind of object costs in a packed store: the `.nbflow` states, `patch.json`,
// `op.json`, commits, trees and the rest, in bytes of the pack (deltas as stored), read off
// `git verify-pack -v` and `git rev-list --objects --all` (the real git as an independent reader).
import fs from 'node:fs';
import path from 'node:path';
import { run } from './measure.js';

export type PackBreakdown = Record<string, number>;

function kindOf(name: string | undefined, type: string): string {
  if (type === 'commit' || type === 'tree' || type === 'tag') return `${type}s`;
  if (name === undefined) return 'other';
  if (name.endsWith('.nbflow')) return '.nbflow';
  const base = path.basename(name);
  return base === 'op.json' || base === 'patch.json' ? base : 'other';
}

export function packBreakdown(gitdir: string): PackBreakdown {
  const names = new Map<string, string>();
  for (const line of run('git', ['--git-dir', gitdir, 'rev-list', '--objects', '--all']).toString().split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) names.set(line.slice(0, space), line.slice(space + 1));
  }
  const out: PackBreakdown = {};
  const packDir = path.join(gitdir, 'objects', 'pack');
  for (const idx of fs.readdirSync(packDir).filter((n) => n.endsWith('.idx'))) {
    // Lines: oid type size size-in-pack offset [depth base]
    for (const line of run('git', ['verify-pack', '-v', path.join(packDir, idx)]).toString().split('\n')) {
      const m = /^([0-9a-f]{40}) (\w+)\s+\d+ (\d+) \d+/.exec(line);
      if (!m) continue;
      const kind = kindOf(names.get(m[1]!), m[2]!);
      out[kind] = (out[kind] ?? 0) + Number(m[3]);
    }
  }
  return out;
}
