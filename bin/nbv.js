#!/usr/bin/env node
// The bundled CLI (scripts/bundle-cli.mjs), started with V8's code cache (src/cli/codeCache.ts).
import { fileURLToPath } from 'node:url';
import { runBundle } from '../dist/cli/codeCache.js';

runBundle(fileURLToPath(new URL('../dist/cli/nbv.cjs', import.meta.url)));
