// Bundles driver.ts (and the src/ it imports) into one .mjs that plain node starts in a fraction of
// the time tsx needs; hundreds of children are spawned, so start-up time is most of the cost.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '../../..');

/** Path of the bundled driver. Placed under node_modules so its package imports resolve. */
export async function buildDriver(): Promise<string> {
  const outDir = path.join(REPO_ROOT, 'node_modules', '.cache', 'nbv-reliability');
  fs.mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, `driver-${process.pid}.mjs`);
  await build({
    entryPoints: [path.join(HERE, 'driver.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return outfile;
}
