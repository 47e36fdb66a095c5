// Child for the cross-process lock test: `iterations` read-modify-write rounds under the project
// lock, each bumping a metadata counter and committing on one branch by compare-and-swap.
// argv: gitdir, iterations.
import { Store } from '../../../src/store/index.js';
import { commitFiles } from '../helpers.js';

const [gitdir, iterationsText] = process.argv.slice(2);
if (gitdir === undefined || iterationsText === undefined) throw new Error('usage: lockCounter GITDIR N');
const store = await Store.open(gitdir);
const ref = 'refs/heads/counter';
const author = { name: `child ${process.pid}`, email: 'c@example.com', timestamp: 1_747_000_000, timezoneOffset: 0 };

for (let i = 0; i < Number(iterationsText); i++) {
  await store.withLock(async () => {
    const head = await store.resolveRef(ref);
    const raw = await store.readMeta('nbv-counter');
    const n = raw === null ? 0 : Number(Buffer.from(raw).toString('utf8'));
    // Widen the window between read and write so that a broken lock would lose updates.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
    await store.writeMeta('nbv-counter', Buffer.from(String(n + 1)));
    await commitFiles(store, {
      ref,
      expectedOld: head,
      parents: head === null ? [] : [head],
      files: { count: Buffer.from(String(n + 1)) },
      message: `count ${n + 1} by ${process.pid}`,
      author,
    });
  }, { waitMs: 60_000 });
}
process.stdout.write('done\n');
