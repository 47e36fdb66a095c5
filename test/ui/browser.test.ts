/// <reference lib="dom" />
// The history browser in a real Chromium (the system's, never a downloaded one), driven by
// playwright-core against the built `nbv ui` binary on a realistic project. One browser for the
// whole file. Screenshots of each view go to docs/ui/ with NBV_UI_SHOTS=docs (docs/ui.md shows them).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { log, openProject } from '../../src/engine/index.js';
import { NBV_BIN, REPO_ROOT, nbvOk } from '../helpers/cli.js';
import { WORKING, XSS_PROMPT, copyProject, makeSampleProject, setPrompt, startImageHost, type ImageHost } from './fixtures.js';
import { PERF_DIR, perfProjectReady } from './perfProject.js';

const CHROMIUM = process.env['NBV_CHROMIUM'] ?? '/usr/bin/chromium';
const HAVE_BROWSER = fs.existsSync(CHROMIUM);
const IN_CI = process.env['CI'] === 'true';
// The pictures docs/ui.md shows are refreshed on request (NBV_UI_SHOTS=docs npm test), so that a
// test run leaves the checkout as it was; otherwise the views are still shot, into a temp folder.
const SHOTS = process.env.NBV_UI_SHOTS === 'docs' ? path.join(REPO_ROOT, 'docs', 'ui') : path.join(os.tmpdir(), 'nbv-ui-shots');
const AUTHOR = 'Browser Tester <bt@example.com>';

if (!HAVE_BROWSER && !IN_CI) {
  const bar = '!'.repeat(78);
  console.warn(`\n${bar}\n!! The history browser's browser tests DID NOT RUN: no Chromium at ${CHROMIUM}.\n!! Install the system's: apt-get install chromium (Debian/Ubuntu), or set NBV_CHROMIUM.\n${bar}\n`);
}

interface Running {
  child: ChildProcess;
  url: string;
  base: string;
  token: string;
}

/** Starts the built binary as a user would, on a free port, and waits for its address. */
async function startUi(cwd: string): Promise<Running> {
  const child = spawn(process.execPath, [NBV_BIN, 'ui', '--no-open', '--port', '0'], { cwd, env: { ...process.env, NBV_AUTHOR: AUTHOR, NBV_NOW: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nbv ui printed no address: ${out}`)), 20_000);
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.stderr!.on('data', (c) => (out += c));
    child.on('exit', (code) => reject(new Error(`nbv ui exited ${code}: ${out}`)));
  });
  const u = new URL(url);
  return { child, url, base: u.origin, token: u.searchParams.get('token')! };
}

async function stopUi(ui: Running | undefined): Promise<void> {
  if (!ui || ui.child.exitCode !== null) return;
  const exited = new Promise((resolve) => ui.child.once('exit', resolve));
  ui.child.kill('SIGINT');
  await exited;
}

describe.skipIf(!HAVE_BROWSER && !IN_CI)('nbv ui in Chromium', () => {
  let host: ImageHost;
  let dir: string;
  let ui: Running;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const timings: string[] = [];

  const shot = async (name: string) => {
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  };
  const headCommit = async () => (await log(await openProject(dir), { limit: 1 }))[0]!.commit;

  beforeAll(async () => {
    if (!HAVE_BROWSER) throw new Error(`CI: no Chromium at ${CHROMIUM}; .ci/run installs it (apt-get install chromium)`);
    if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'ui-page', 'app.js'))) throw new Error("the page is not built: run 'npm run build'");
    host = await startImageHost();
    dir = await makeSampleProject(host.base);
    ui = await startUi(dir);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // A name that resolves to the loopback address, as a DNS-rebinding attack arranges.
        '--host-resolver-rules=MAP rebind.test 127.0.0.1',
      ],
    });
    // launch() gives a fresh profile in a temporary user-data-dir of its own.
    context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    page = await context.newPage();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stopUi(ui);
    await host?.close();
    if (timings.length) console.log(`\n[nbv ui timings]\n${timings.join('\n')}\n`);
  });

  it("first view: the working file's scenes, thumbnails from the outputs' URLs, placeholders for expired ones, no clip downloaded", async () => {
    const t0 = Date.now();
    await page.goto(ui.url);
    await page.waitForSelector('[data-ready=state]');
    timings.push(`sample project (106 KB, ${(await log(await openProject(dir))).length} operations): first view ${Date.now() - t0} ms wall, ${await page.evaluate(() => document.documentElement.dataset['firstView'])} ms from navigation`);
    expect(new URL(page.url()).search).toBe('');
    await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLImageElement>('.thumbs img')).filter((i) => i.complete && i.naturalWidth > 0).length >= 4);
    await page.waitForSelector('.thumb.missing');
    await shot('state');
    expect(host.requests.some((r) => r.endsWith('.mp4'))).toBe(false);
    await page.click('.node.kind-video .thumb.clip');
    await page.waitForSelector('.node.kind-video video, .node.kind-video .thumb.missing');
    expect(host.requests.filter((r) => r.endsWith('.mp4'))).toHaveLength(1);
  });

  it('clicks through the timeline to an older state', async () => {
    await page.click('.entry a:has-text("edit: taken in from backups/XYZG3-V0-2.nbflow")');
    await page.waitForSelector('[data-ready=state] .restore-state');
    expect(await page.textContent('.state-head h2')).toContain('V0-2');
    expect(await page.isVisible('.entry.selected')).toBe(true);
    await shot('timeline');
  });

  it('compares V0-2 with V0-3 side by side: prompt word diff, model change, outputs before and after', async () => {
    await page.click('.topbar a:has-text("Compare")');
    await page.waitForSelector('[data-ready=compare]');
    await page.selectOption('select[aria-label=from]', 'V0-2');
    await page.waitForFunction(() => location.hash.includes('/compare/V0-2/'));
    await page.selectOption('select[aria-label=to]', 'V0-3');
    await page.waitForFunction(() => location.hash.endsWith('/compare/V0-2/V0-3'));
    await page.waitForSelector('[data-ready=compare] .change-card');
    expect(await page.locator('.word-diff ins').count()).toBeGreaterThan(0);
    expect(await page.locator('.word-diff del').count()).toBeGreaterThan(0);
    expect(await page.locator('.chip-model-changed').count()).toBeGreaterThan(0);
    expect(await page.locator('.side.before .thumbs').count()).toBeGreaterThan(0);
    await page.locator('.change-card:has(.word-diff)').first().scrollIntoViewIfNeeded();
    await shot('compare');
  });

  it("brings back Scene 05's old take with two clicks, exactly as `nbv restore V0-2 --scene 5`", async () => {
    await page.click('.entry a:has-text("edit: taken in from backups/XYZG3-V0-2.nbflow")');
    await page.waitForSelector('[data-ready=state] .restore-state');
    await page.click('.tab:has-text("Account 2")');
    const copy = copyProject(dir);
    const before = await headCommit();
    await page.click('[data-scene="5"] .restore-scene'); // click 1
    await page.waitForSelector('.dialog');
    expect(await page.textContent('.dialog')).toContain('nbv restore XYZG3');
    await shot('confirm');
    await page.click('.dialog .confirm'); // click 2
    await page.waitForSelector('.toast.ok');
    const head = await headCommit();
    expect(head).not.toBe(before);
    expect(await page.textContent('.toast')).toContain(head.slice(0, 7));
    nbvOk(copy, ['restore', 'V0-2', '--scene', '5']);
    expect(fs.readFileSync(path.join(dir, WORKING)).equals(fs.readFileSync(path.join(copy, WORKING)))).toBe(true);
    const [item] = await log(await openProject(dir), { limit: 1 });
    expect(item).toMatchObject({ op: 'restore', author: AUTHOR });
  });

  it("shows a node's history: every cache it held, with the operation that made it", async () => {
    await page.click('.toast button');
    await page.click('[data-node="img-s05"] a:has-text("history")');
    await page.waitForSelector('[data-ready=node] .variant');
    expect(await page.locator('.variant').count()).toBeGreaterThanOrEqual(2);
    // The take just brought back from V0-2 is the one held now.
    expect(await page.textContent('.variant:has(.ok-badge)')).toContain('V0-2');
    await shot('node-history');
  });

  it('follows the disk: an edit saved by another program shows up without a reload', async () => {
    await page.click('.topbar a:has-text("Now")');
    await page.waitForSelector('[data-ready=state]');
    const t0 = Date.now();
    setPrompt(path.join(dir, WORKING), 'img-s02', 'Edited in another program: rain on the window.');
    await page.waitForSelector('text=Edited in another program: rain on the window.', { timeout: 5000 });
    const ms = Date.now() - t0;
    timings.push(`a save on disk reached the page in ${ms} ms`);
    expect(ms).toBeLessThan(2500);
  });

  it('shows markup from a workflow as text and runs none of it', async () => {
    await page.click('.tab:has-text("Account 2")');
    const prompt = page.locator('[data-node="img-s07"] .prompt-text');
    expect(await prompt.textContent()).toBe(XSS_PROMPT);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.evaluate(() => Array.from(document.scripts).map((s) => s.getAttribute('src')))).toEqual(['/assets/app.js']);
  });

  it('refuses the page without its token, from a rebinding host name, and to another origin', async () => {
    // A fresh profile: no cookie from the page opened above.
    const stranger = await browser.newContext();
    const other = await stranger.newPage();
    const noToken = await other.goto(ui.base + '/');
    expect(noToken!.status()).toBe(403);
    const rebound = await other.goto(ui.url.replace('127.0.0.1', 'rebind.test'));
    expect(rebound!.status()).toBe(403);
    // A page of another origin, even one that knows the token, cannot read the API...
    await other.goto(`${host.base}/page`);
    const read = await other.evaluate(async ([base, token]) => {
      try {
        const res = await fetch(`${base}/api/workflows`, { headers: { 'X-Nbv-Token': token! } });
        return `read ${res.status}`;
      } catch (err) {
        return `blocked: ${(err as Error).name}`;
      }
    }, [ui.base, ui.token]);
    expect(read).toBe('blocked: TypeError');
    // ...nor change anything with a form post (no custom header, wrong content type).
    const before = await headCommit();
    const posted = await other.evaluate(async (target) => {
      try {
        return (await fetch(target, { method: 'POST', mode: 'no-cors', body: new URLSearchParams({ a: 'b' }) })).type;
      } catch {
        return 'refused before the body was read';
      }
    }, `${ui.base}/api/workflows/XYZG3/undo`);
    expect(['opaque', 'refused before the body was read']).toContain(posted);
    expect(await headCommit()).toBe(before);
    await stranger.close();
  });

  it.skipIf(!perfProjectReady())('first view of a 1 MB workflow with 1,000 operations (measured, not asserted), then the next page of the timeline', async () => {
    const perf = await startUi(PERF_DIR);
    try {
      const fresh = await context.newPage();
      const t0 = Date.now();
      await fresh.goto(perf.url);
      await fresh.waitForSelector('[data-ready=state]');
      const wall = Date.now() - t0;
      const size = fs.statSync(path.join(PERF_DIR, fs.readdirSync(PERF_DIR).find((n) => n.endsWith('.nbflow'))!)).size;
      timings.push(`1 MB x 1,000 (${(size / 1e6).toFixed(2)} MB, ${fs.readFileSync(path.join(PERF_DIR, '.nbv-ui-perf-done'), 'utf8').trim()}): first view ${wall} ms wall, ${await fresh.evaluate(() => document.documentElement.dataset['firstView'])} ms from navigation`);
      expect(await fresh.locator('.entry').count()).toBe(51);
      const t1 = Date.now();
      await fresh.click('button.more');
      await fresh.waitForFunction(() => document.querySelectorAll('.entry').length === 101);
      timings.push(`1 MB x 1,000: next timeline page in ${Date.now() - t1} ms`);
      await fresh.close();
    } finally {
      await stopUi(perf);
    }
  });
});
