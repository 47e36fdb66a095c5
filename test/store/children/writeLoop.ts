// Child for the crash test: rewrites `target` forever, alternating two contents of different
// lengths, until it is killed. argv: target, size in bytes.
import { writeFileAtomic } from '../../../src/store/atomicFile.js';

const [target, sizeText] = process.argv.slice(2);
if (target === undefined || sizeText === undefined) throw new Error('usage: writeLoop TARGET SIZE');
const size = Number(sizeText);
const contents = [Buffer.alloc(size, 'a'), Buffer.alloc(size + 12_345, 'b')] as const;

for (let i = 0; ; i++) {
  await writeFileAtomic(target, contents[i % 2]!);
  if (i === 0) process.stdout.write('ready\n');
}
