// The page's own files, built by `npm run build` (scripts/bundle-ui.mjs) into dist/ui-page/ and
// served from there: nothing comes from a CDN, so the page works offline.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ASSET_TYPES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** dist/ui-page beside the running code: dist/cli/chunk-*.js (bundled CLI) and dist/ui/*.js
 * (library) both sit one folder below dist/; src/ui/*.ts (tests through tsx) two below the root. */
export function defaultAssetsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '..', 'ui-page'), path.resolve(here, '..', '..', 'dist', 'ui-page')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'app.js'))) ?? candidates[0]!;
}

function attribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `workflows`: the project's workflow names, so the page can open the only one without asking. */
export function pageHtml(token: string, workflows: string[]): string {
  // The token is in a meta tag so that the page's script can send it as a header; the page is
  // only ever sent to a request that already presented the token.
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="nbv-token" content="${token.replace(/[^A-Za-z0-9_-]/g, '')}">
<meta name="nbv-workflows" content="${attribute(JSON.stringify(workflows))}">
<title>nbv history</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body><div id="app"><p class="loading">Loading history…</p></div></body>
</html>
`;
}
