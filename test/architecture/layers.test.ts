// The layer rule of docs/architecture.md, checked on the imports themselves: a folder imports
// only folders below it, and no module imports itself back through others (type imports count:
// a cycle of types is still two modules that cannot be read apart).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../../src');

/** Lower number = lower layer. Folders of one rank may not import each other. */
const RANK: Record<string, number> = {
  'errors.ts': 0,
  json: 1,
  store: 1,
  nbflow: 2,
  backups: 3,
  merging: 3,
  history: 4,
  engine: 5,
  ui: 6,
  cli: 7,
  'index.ts': 8,
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(d.name) && !d.name.endsWith('.d.ts') ? [full] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]!;
    out.push(path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts'));
  }
  return out;
}

function layerOf(file: string): string {
  const rel = path.relative(SRC, file);
  return rel.split(path.sep)[0]!;
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('layers (docs/architecture.md)', () => {
  it('knows every folder of src/', () => {
    const unknown = [...new Set(files.map(layerOf))].filter((l) => RANK[l] === undefined);
    expect(unknown).toEqual([]);
  });

  it('every import goes to the same folder or a lower layer', () => {
    const upward: string[] = [];
    for (const [file, deps] of graph) {
      const from = layerOf(file);
      for (const dep of deps) {
        const to = layerOf(dep);
        if (to === from) continue;
        if (!(RANK[to]! < RANK[from]!)) upward.push(`${path.relative(SRC, file)} -> ${path.relative(SRC, dep)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no import cycles', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      stack.push(f);
      for (const dep of graph.get(f) ?? []) {
        if (!graph.has(dep)) continue;
        const s = state.get(dep);
        if (s === 'open') cycles.push(stack.slice(stack.indexOf(dep)).concat(dep).map((x) => path.relative(SRC, x)).join(' -> '));
        else if (s === undefined) visit(dep);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('resolves every relative import to a file (the check reads real edges)', () => {
    const dangling = [...graph].flatMap(([f, deps]) => deps.filter((d) => !fs.existsSync(d)).map((d) => `${path.relative(SRC, f)} -> ${d}`));
    expect(dangling).toEqual([]);
    expect([...graph.values()].flat().length).toBeGreaterThan(200);
  });
});
