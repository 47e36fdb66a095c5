// Times the semantic diff and the three-way merge of two 5 MB workflows (issue 12): ours edits
// ten prompts, theirs refills ten other nodes' caches and adds a scene. Prints the figures; the
// tests assert nothing about time. Run: npx tsx scripts/bench-merge.ts [megabytes]
import { addScene, editPrompt, fillCache, generateWorkflow, generationNodeIds, serialize } from '../fixtures/generator.js';
import { mergeNbflow } from '../src/merging/index.js';
import { DEFAULT_CONFIG, diffDocuments, diffEdges, parseNbflow } from '../src/nbflow/index.js';

const megabytes = Number(process.argv[2] ?? 5);
const base = generateWorkflow({ seed: 42, targetBytes: megabytes * 1024 * 1024 });
const ids = generationNodeIds(base);
let ours = base;
for (const id of ids.filter((id) => id.startsWith('img-')).slice(0, 10)) ours = editPrompt(ours, id, `ours edit of ${id}: a rain-soaked street at dusk`);
const theirs = addScene(fillCache(base, ids.filter((id) => id.startsWith('vid-')).slice(-10), 7), { filled: true });
const bytes = (doc: unknown) => new TextEncoder().encode(serialize(doc, 'two-space'));
const [b, o, t] = [bytes(base), bytes(ours), bytes(theirs)];

function time<T>(label: string, runs: number, action: () => T): T {
  let result = action();
  const start = performance.now();
  for (let i = 0; i < runs; i++) result = action();
  console.log(`${label}: ${((performance.now() - start) / runs).toFixed(0)} ms`);
  return result;
}

console.log(`documents: ${(o.length / 1e6).toFixed(1)} MB ours, ${(t.length / 1e6).toFixed(1)} MB theirs, ${ids.length} generation nodes`);
const [po, pt] = [parseNbflow(o, 'ours'), parseNbflow(t, 'theirs')];
time('parse (strict) of one side', 3, () => parseNbflow(o, 'ours'));
const diff = time('semantic diff, parsed documents (nodes + edges)', 5, () => [diffDocuments(po.doc, pt.doc, DEFAULT_CONFIG), diffEdges(po.doc, pt.doc)] as const);
time('semantic diff from bytes (two strict parses + diff)', 3, () => diffDocuments(parseNbflow(o, 'ours').doc, parseNbflow(t, 'theirs').doc, DEFAULT_CONFIG));
const result = time('three-way merge from bytes (three parses, merge, splice, self-check)', 3, () => mergeNbflow(b, o, t, DEFAULT_CONFIG));
console.log(`diff: ${diff[0].nodes.length} nodes changed; merge: ${result.conflicts.length} conflicts, ${result.taken.theirs.length} changes from theirs`);
