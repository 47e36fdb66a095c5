// Part of `npm run build`: the history browser's page (src/ui/page, preact + htm, no JSX step)
// bundled into dist/ui-page/app.js and app.css, which `nbv ui` serves itself: no CDN, works
// offline. The page is typechecked by `tsc -p src/ui/page` (DOM types), not by the node build.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const page = path.join(root, 'src', 'ui', 'page');

await build({
  entryPoints: { app: path.join(page, 'main.ts') },
  outdir: path.join(root, 'dist', 'ui-page'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
await build({
  entryPoints: { app: path.join(page, 'style.css') },
  outdir: path.join(root, 'dist', 'ui-page'),
  bundle: true,
  minify: true,
  logLevel: 'warning',
});
