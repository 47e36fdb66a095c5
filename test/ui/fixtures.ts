// Projects and an image host for the history browser's tests. The sample project's outputs point
// at a public bucket; here they point at a tiny 127.0.0.1 server that draws each output as an
// SVG, except some it answers 404 for (an expired output), so both thumbnails and placeholders show.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { commit, initProject, track, wipe, type OperationContext } from '../../src/engine/index.js';
import { SAMPLE_DIR } from '../helpers/cli.js';

export const SAMPLE_BUCKET = 'https://pub-19351462f1158d4ab7940a2eb604e207.r2.dev';
export const XSS_PROMPT = 'Night street. <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> end.';
export const TEST_CONTEXT: OperationContext = { author: 'Ana Lead <ana@example.com>', env: { NBV_NOW: '2026-05-14T09:30:00+02:00' } };

export interface ImageHost {
  base: string;
  requests: string[];
  close(): Promise<void>;
}

const HUES = [12, 38, 158, 200, 222, 262, 290, 330];

function svgFor(urlPath: string): string {
  const digest = crypto.createHash('sha256').update(urlPath).digest();
  const hue = HUES[digest[0]! % HUES.length]!;
  const label = path.basename(urlPath).replace(/\.[a-z0-9]+$/, '').slice(0, 6);
  const scene = /\/(s\d\d)\//.exec(urlPath)?.[1] ?? '';
  // Flat colours: the screenshots in docs/ui/ stay small PNGs.
  return `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="150" viewBox="0 0 240 150">
<rect width="240" height="150" fill="hsl(${hue},45%,58%)"/><rect y="100" width="240" height="50" fill="hsl(${hue},40%,42%)"/>
<circle cx="${60 + (digest[1]! % 120)}" cy="${40 + (digest[2]! % 50)}" r="${18 + (digest[3]! % 20)}" fill="hsl(${hue},70%,85%)"/>
<text x="12" y="138" font-family="sans-serif" font-size="16" fill="#fff">${scene} ${label}</text></svg>`;
}

/** Outputs whose name starts with `0` or `1` (about one in eight) have "expired": 404. */
export function isExpired(urlPath: string): boolean {
  return /\/[01][0-9a-f]{15}\.(?:png|jpg)$/.test(urlPath);
}

export async function startImageHost(): Promise<ImageHost> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    if (url.startsWith('/page')) {
      // A page of another origin, for the cross-origin tests.
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return void res.end('<!doctype html><title>elsewhere</title><p>another site</p>');
    }
    if (isExpired(url) || /\.(?:mp4|webm)$/.test(url)) {
      res.writeHead(404);
      return void res.end();
    }
    res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'max-age=3600' });
    res.end(svgFor(url));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function rewriteTree(dir: string, from: string, to: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) rewriteTree(full, from, to);
    else if (entry.name.includes('.nbflow')) {
      const text = fs.readFileSync(full, 'utf8');
      fs.writeFileSync(full, text.split(from).join(to));
      const stat = fs.statSync(path.join(SAMPLE_DIR, path.relative(dir, full)), { throwIfNoEntry: false });
      if (stat) fs.utimesSync(full, stat.atime, stat.mtime);
    }
  }
}

/** Replaces the prompt of `nodeId` in the text of an .nbflow, keeping every other byte. */
export function setPrompt(file: string, nodeId: string, prompt: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf('"prompt": "', text.indexOf(`"id": "${nodeId}"`));
  const end = text.indexOf('",\n', at);
  fs.writeFileSync(file, text.slice(0, at) + `"prompt": ${JSON.stringify(prompt)}` + text.slice(end + 1));
}

export const WORKING = 'XYZG3-V0-3.nbflow';

/**
 * The sample project with a realistic history: its backups/ taken in (V0-1 .. V0-3), then a
 * creator's day: a prompt edit on Scene 03 committed, Scene 05 wiped for a re-run, and a
 * prompt holding markup (Scene 07) committed, as a hostile file might.
 */
export async function makeSampleProject(imageBase: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nbv-ui-'));
  fs.cpSync(SAMPLE_DIR, dir, { recursive: true });
  rewriteTree(dir, SAMPLE_BUCKET, imageBase);
  const project = await initProject(dir, TEST_CONTEXT);
  await track(project, { file: path.join(dir, WORKING) });
  const file = path.join(dir, WORKING);
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.replace('"prompt": "', '"prompt": "Golden hour, low sun behind her. '));
  await commit(project, { message: 'Scene 01: golden hour' });
  await wipe(project, { selector: { scenes: ['5'] }, message: 'Scene 05: re-run with the new lens' });
  setPrompt(file, 'img-s07', XSS_PROMPT);
  await commit(project, { message: 'Scene 07: night version' });
  return dir;
}

export function copyProject(dir: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'nbv-ui-copy-'));
  fs.cpSync(dir, copy, { recursive: true });
  return copy;
}
