// Part of `npm run build`, after tsc: bundles the CLI (tsc's dist/cli/main.js) with its
// dependencies into one CommonJS file, dist/cli/nbv.cjs, which bin/nbv.js starts through
// dist/cli/codeCache.js. One file, because Node 20 gives a code cache only to a script compiled
// through vm.Script, and CommonJS because only a script (not an ES module) can be compiled so.
// Commands are still loaded on demand: main.js imports each command's module only when it runs,
// and the bundle keeps those modules as functions that are evaluated on first use.
// dist/index.js (the library) stays tsc's plain output.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliDir = path.join(root, 'dist', 'cli');

// zod's classic API re-exports all of its 48 locales as `z.locales`, which nbv never reads (its
// messages are English, the locale zod's schemas load themselves): in a CommonJS bundle that
// namespace keeps them all, a quarter of the bundle (262 KB) that every start would load and
// initialise. The re-export is given an empty module instead.
const zodLocalesOnlyEnglish = {
  name: 'zod-locales-only-english',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}node_modules${path.sep}zod${path.sep}`) ? { path: 'zod-locales', namespace: 'nbv-empty' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'nbv-empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

await build({
  plugins: [zodLocalesOnlyEnglish],
  entryPoints: [path.join(cliDir, 'main.js')],
  outfile: path.join(cliDir, 'nbv.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // Smaller source is less for V8 to scan and compile on a start without a code cache; names are
  // kept so that stack traces and error names read as in the source.
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  // The two modules that find files beside themselves (package.json, the UI page) read
  // import.meta.url, which CommonJS has not: the bundle's own location stands in for it.
  define: { 'import.meta.url': '__nbvModuleUrl' },
  banner: { js: "const __nbvModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// Chunks of the split ES module bundle earlier builds made: removed once they are old enough
// that no running nbv still loads them.
const anHourAgo = Date.now() - 3600_000;
for (const name of fs.readdirSync(cliDir)) {
  const file = path.join(cliDir, name);
  if (name.startsWith('chunk-') && fs.statSync(file).mtimeMs < anHourAgo) fs.rmSync(file);
}
