// src/merging is pure document logic under the engine: it may import only json, nbflow and errors
// (so the engine's reorganisation cannot reach it, and `nbv pull` and git's driver share it).
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

it('src/merging imports only src/json, src/nbflow and src/errors', () => {
  const dir = path.join(REPO_ROOT, 'src', 'merging');
  const imports = fs.readdirSync(dir).flatMap((file) =>
    [...fs.readFileSync(path.join(dir, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => `${file}: ${m[1]}`),
  );
  expect(imports.length).toBeGreaterThan(10);
  const outside = imports.filter((line) => !/: (\.\/[\w]+\.js|\.\.\/(json|nbflow)\/[\w]+\.js|\.\.\/errors\.js)$/.test(line));
  expect(outside).toEqual([]);
});
