// Part of `npm run build`, after tsc: bundles the CLI (dist/cli/main.js, which bin/nbv.js loads)
// in place, with its dependencies, into a few files. Node then reads and links a handful of
// files instead of several hundred, which halves the start of every command; the command modules
// main.js imports on demand become their own chunks, so `nbv --version` loads almost nothing.
// dist/index.js (the library) stays tsc's plain output.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliDir = path.join(root, 'dist', 'cli');

const result = await build({
  entryPoints: [path.join(cliDir, 'main.js')],
  outdir: cliDir,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  sourcemap: 'linked',
  // Smaller source is less for V8 to scan and compile on every start (about 10 % of `nbv status`);
  // names are kept so that stack traces and error names read as in the source.
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  metafile: true,
  // Bundled CommonJS dependencies may require() node's own modules.
  banner: { js: "import { createRequire as __nbvCreateRequire } from 'node:module'; const require = __nbvCreateRequire(import.meta.url);" },
});

// Chunks of earlier builds: removed once they are old enough that no running nbv still loads
// them (chunk names are content hashes, so an unchanged chunk is simply rewritten in place).
const current = new Set(Object.keys(result.metafile.outputs).map((p) => path.basename(p)));
const anHourAgo = Date.now() - 3600_000;
for (const name of fs.readdirSync(cliDir)) {
  const file = path.join(cliDir, name);
  if (name.startsWith('chunk-') && !current.has(name) && fs.statSync(file).mtimeMs < anHourAgo) fs.rmSync(file);
}
