// The server and its JSON API through plain fetch, in process: the guards of docs/ui.md
// ("Security") one by one, every view's shape, and the actions recorded through the engine.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { log, openProject, restore } from '../../src/engine/index.js';
import { startUiServer, type UiServer } from '../../src/ui/server.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { TEST_CONTEXT, WORKING, copyProject, makeSampleProject, startImageHost, type ImageHost } from './fixtures.js';

let host: ImageHost;
let dir: string;
let ui: UiServer;
let base: string;

beforeAll(async () => {
  host = await startImageHost();
  dir = await makeSampleProject(host.base);
  ui = await startUiServer({ cwd: dir, context: TEST_CONTEXT, assetsDir: path.join(REPO_ROOT, 'dist', 'ui-page') });
  base = `http://127.0.0.1:${ui.port}`;
});

afterAll(async () => {
  await ui?.close();
  await host?.close();
});

const api = (p: string, init: RequestInit = {}) => fetch(base + p, { ...init, headers: { 'X-Nbv-Token': ui.token, ...(init.headers ?? {}) } });
const json = async <T = any>(p: string): Promise<T> => {
  const res = await api(p);
  expect(res.status, `${p}: ${res.status}`).toBe(200);
  return (await res.json()) as T;
};
const post = (p: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(base + p, { method: 'POST', headers: { 'X-Nbv-Token': ui.token, 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** A raw request, for headers fetch will not let us set (Host). */
function raw(p: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: ui.port, path: p, method, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('security', () => {
  it('listens on 127.0.0.1 by default and prints an address with a long random token', () => {
    expect(ui.host).toBe('127.0.0.1');
    expect(ui.url).toBe(`http://127.0.0.1:${ui.port}/?token=${ui.token}`);
    expect(ui.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses the page, its assets and the API without the token, or with a wrong one', async () => {
    for (const p of ['/', '/assets/app.js', '/api/workflows', '/api/head']) expect((await fetch(base + p)).status, p).toBe(403);
    // One character off (never the same one: a token that already ends in 'x' made this pass by luck).
    const wrong = ui.token.slice(0, -1) + (ui.token.endsWith('x') ? 'y' : 'x');
    expect((await fetch(`${base}/?token=${wrong}`)).status).toBe(403);
    expect((await fetch(`${base}/api/workflows`, { headers: { 'X-Nbv-Token': 'nope' } })).status).toBe(403);
  });

  it('serves the page for the printed address and sets a strict cookie for its assets; the API still needs the token itself', async () => {
    const page = await fetch(ui.url);
    expect(page.status).toBe(200);
    const cookie = page.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/assets/app.js">');
    expect(html).not.toMatch(/<script>(?!<)/);
    expect(html).toContain('<meta name="nbv-workflows" content="[&quot;XYZG3&quot;]">');
    const pair = cookie.split(';')[0]!;
    expect((await fetch(`${base}/`, { headers: { cookie: pair } })).status).toBe(200);
    expect((await fetch(`${base}/api/workflows`, { headers: { cookie: pair } })).status).toBe(403);
  });

  it('refuses a Host header that is not a loopback name (DNS rebinding), even with the token', async () => {
    const evil = await raw(`/?token=${ui.token}`, { Host: 'evil.example.com' });
    expect(evil.status).toBe(403);
    expect((await raw('/api/workflows', { Host: `attacker.test:${ui.port}`, 'X-Nbv-Token': ui.token })).status).toBe(403);
    expect((await raw('/api/workflows', { Host: '127.0.0.1.nip.io', 'X-Nbv-Token': ui.token })).status).toBe(403);
    expect((await raw('/api/workflows', { Host: `localhost:${ui.port}`, 'X-Nbv-Token': ui.token })).status).toBe(200);
    expect((await raw('/api/workflows', { Host: `[::1]:${ui.port}`, 'X-Nbv-Token': ui.token })).status).toBe(200);
  });

  it('sends no CORS headers: a preflight is refused and a cross-origin request is rejected', async () => {
    const preflight = await raw('/api/workflows', { Origin: 'http://evil.example.com', 'Access-Control-Request-Method': 'GET' }, 'OPTIONS');
    expect(preflight.status).toBe(405);
    const cross = await raw('/api/workflows', { Origin: 'http://evil.example.com', 'X-Nbv-Token': ui.token });
    expect(cross.status).toBe(403);
    for (const res of [preflight, cross, await raw('/api/workflows', { 'X-Nbv-Token': ui.token })]) {
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('puts a strict Content-Security-Policy and no-referrer on every answer', async () => {
    for (const res of [await fetch(ui.url), await fetch(`${base}/api/workflows`), await api('/api/workflows'), await api('/nothing')]) {
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toMatch(/img-src [^;]*https:/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('changes state only by POST with the token in its header and a JSON body', async () => {
    const before = fs.readFileSync(path.join(dir, WORKING));
    const headBefore = (await log(await openProject(dir), { limit: 1 }))[0]!.commit;
    // GET never acts.
    expect((await api('/api/workflows/XYZG3/undo')).status).toBe(404);
    // The token in the address or a cookie is not enough for a POST (a cross-site form can send those).
    const cookie = (await fetch(ui.url)).headers.get('set-cookie')!.split(';')[0]!;
    const noHeader = await fetch(`${base}/api/workflows/XYZG3/undo?token=${ui.token}`, { method: 'POST', headers: { 'Content-Type': 'application/json', cookie }, body: '{}' });
    expect(noHeader.status).toBe(403);
    // A form's content type is refused.
    const form = await fetch(`${base}/api/workflows/XYZG3/undo`, { method: 'POST', headers: { 'X-Nbv-Token': ui.token, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
    expect(form.status).toBe(415);
    expect(fs.readFileSync(path.join(dir, WORKING)).equals(before)).toBe(true);
    expect((await log(await openProject(dir), { limit: 1 }))[0]!.commit).toBe(headBefore);
  });

  it('takes refs in the forms the page uses, never a path to a file', async () => {
    for (const ref of ['..%2F..%2Fetc%2Fpasswd', '%2Fetc%2Fpasswd', 'backups%2FXYZG3-V0-1.nbflow', 'HEAD~x']) {
      const res = await api(`/api/workflows/XYZG3/states/${ref}`);
      expect(res.status, ref).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BAD_USAGE');
    }
    expect((await post('/api/workflows/XYZG3/restore', { ref: '/etc/passwd' })).status).toBe(400);
  });
});

describe('views', () => {
  it('lists the workflows with version, head and stale count', async () => {
    const list = await json<any[]>('/api/workflows');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: 'XYZG3', file: WORKING, version: 'V0-3', uncommitted: false, missing: false, merge: null });
    expect(list[0].head.message).toBe('Scene 07: night version');
    expect(typeof list[0].stale).toBe('number');
  });

  it('pages the timeline newest first and filters it like log', async () => {
    const all = await json('/api/workflows/XYZG3/timeline?limit=500');
    expect(all.items.map((i: any) => i.message).slice(0, 3)).toEqual(['Scene 07: night version', 'Scene 05: re-run with the new lens', 'Scene 01: golden hour']);
    const first = await json('/api/workflows/XYZG3/timeline?limit=3');
    const second = await json('/api/workflows/XYZG3/timeline?limit=3&offset=3');
    expect(first.more).toBe(true);
    expect([...first.items, ...second.items].map((i: any) => i.commit)).toEqual(all.items.slice(0, 6).map((i: any) => i.commit));
    const wipes = await json('/api/workflows/XYZG3/timeline?op=wipe');
    expect(wipes.items.map((i: any) => i.op)).toEqual(['wipe']);
    const scene5 = await json('/api/workflows/XYZG3/timeline?scene=5');
    expect(scene5.items.length).toBeGreaterThan(0);
    expect(scene5.items.every((i: any) => i.changes.some((c: any) => c.title === 'Scene 05'))).toBe(true);
  });

  it('draws a state as tabs of scenes, each node with prompt, model, references and outputs', async () => {
    const first = await json('/api/workflows/XYZG3/states/V0-2');
    expect(first).toMatchObject({ ref: 'V0-2', version: 'V0-2', current: false });
    // Only the tab asked for (else the first) carries its scenes; the others their size.
    expect(first.tabs.map((t: any) => [t.id, t.loaded, t.sceneCount])).toEqual([
      ['acct-1', true, 4], ['acct-2', false, 4], ['acct-3', false, 4], ['acct-4', false, 4], ['acct-5', false, 4],
    ]);
    expect(first.tabs[1].scenes).toEqual([]);
    expect(first.tabs[1].nodeIds).toContain('img-s05');
    const state = await json('/api/workflows/XYZG3/states/V0-2?tab=acct-2');
    expect(state.tabs.map((t: any) => t.loaded)).toEqual([false, true, false, false, false]);
    const scene = state.tabs.flatMap((t: any) => t.scenes).find((s: any) => s.scene === '5');
    expect(scene.title).toBe('Scene 05');
    const image = scene.nodes.find((n: any) => n.kind === 'image');
    expect(image.prompt.length).toBeGreaterThan(100);
    expect(image.model).toMatch(/^NB/);
    expect(image.references[0].url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/avatars\//);
    expect(image.outputs.length).toBeGreaterThan(0);
    expect(image.outputs[0].url).toMatch(/^http:\/\/127\.0\.0\.1/);
    const clip = scene.nodes.find((n: any) => n.kind === 'video').outputs[0];
    expect(clip).toMatchObject({ media: 'video' });
    expect(clip.thumb).toMatch(/\.jpg$/);
  });

  it('marks the working file as current, and lists its stale caches with their reasons apart', async () => {
    const state = await json('/api/workflows/XYZG3/states/working');
    expect(state).toMatchObject({ ref: 'working', commit: null, current: true });
    expect((await json('/api/workflows/XYZG3/states/HEAD~1')).current).toBe(false);
    const stale = await json('/api/workflows/XYZG3/stale');
    // Scene 01's prompt was edited after its image was made; its clip is downstream of it.
    const s01 = stale.nodes.find((n: any) => n.node === 'img-s01');
    expect(s01.reasons.map((r: any) => r.code)).toContain('prompt-changed');
    expect(stale.nodes.find((n: any) => n.node === 'vid-s01').reasons.map((r: any) => r.code)).toContain('upstream-stale');
    expect(stale.nodes.some((n: any) => n.node === 'img-s04')).toBe(false);
  });

  it('compares two states per node, with the prompt as a word diff', async () => {
    const cmp = await json('/api/workflows/XYZG3/compare?from=HEAD~3&to=HEAD~2');
    const s01 = cmp.nodes.find((n: any) => n.node === 'img-s01');
    expect(s01.changes.map((c: any) => c.kind)).toContain('prompt-edited');
    expect(s01.words[0].parts[0]).toEqual({ op: '+', text: 'Golden hour, low sun behind her. ' });
    expect(s01.before.outputs).toEqual(s01.after.outputs);
    const v = await json('/api/workflows/XYZG3/compare?from=V0-2&to=V0-3');
    expect(v.from.version).toBe('V0-2');
    expect(v.nodes.length).toBeGreaterThan(10);
    expect(v.nodes.some((n: any) => n.changes.some((c: any) => c.kind === 'model-changed'))).toBe(true);
  });

  it("lists every distinct cache a node held, newest first, with the operation that made it", async () => {
    const history = await json('/api/workflows/XYZG3/nodes/img-s05/history');
    expect(history.variants.length).toBeGreaterThanOrEqual(2);
    expect(history.wipedBy.map((w: any) => w.message)).toContain('Scene 05: re-run with the new lens');
    const made = history.variants.map((v: any) => v.madeBy.version);
    expect(made[made.length - 1]).toBe('V0-1');
    expect(new Set(history.variants.map((v: any) => JSON.stringify(v.node.outputs))).size).toBe(history.variants.length);
    // The newest state has Scene 05 wiped: no take is held now.
    expect(history.variants.filter((v: any) => v.current)).toEqual([]);
  });

  it('answers an unknown workflow with 404 and an unknown route with 404', async () => {
    expect((await api('/api/workflows/NOPE/states/HEAD')).status).toBe(404);
    expect((await api('/api/nothing')).status).toBe(404);
  });
});

describe('actions', () => {
  it("restores a scene's cache exactly as `restore --scene` does, recorded with the author", async () => {
    const copy = copyProject(dir);
    const res = await post('/api/workflows/XYZG3/restore', { ref: 'V0-2', scenes: ['5'] });
    expect(res.status).toBe(200);
    const result = (await res.json()) as { commit: string; recorded: boolean; summary: string };
    expect(result.recorded).toBe(true);
    await restore(await openProject(copy, TEST_CONTEXT), { ref: 'V0-2', selector: { scenes: ['5'] } });
    expect(fs.readFileSync(path.join(dir, WORKING)).equals(fs.readFileSync(path.join(copy, WORKING)))).toBe(true);
    const [head] = await log(await openProject(dir), { limit: 1 });
    expect(head).toMatchObject({ commit: result.commit, op: 'restore', author: 'Ana Lead <ana@example.com>' });
  });

  it('wipes a scene, bumps and undoes, each one operation', async () => {
    const wiped = (await (await post('/api/workflows/XYZG3/wipe', { scenes: ['2'], message: 'redo 02' })).json()) as any;
    expect(wiped.recorded).toBe(true);
    const undone = (await (await post('/api/workflows/XYZG3/undo', {})).json()) as any;
    const bumped = (await (await post('/api/workflows/XYZG3/bump', {})).json()) as any;
    expect(bumped.summary).toContain('V0-3 -> V0-4');
    const items = await log(await openProject(dir), { limit: 3 });
    expect(items.map((i) => [i.op, i.commit])).toEqual([['bump', bumped.commit], ['undo', undone.commit], ['wipe', wiped.commit]]);
    expect(fs.existsSync(path.join(dir, 'XYZG3-V0-4.nbflow'))).toBe(true);
  });

  it('answers a bad action with 400 and one clear line', async () => {
    const res = await post('/api/workflows/XYZG3/wipe', { scenes: ['<script>'] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toMatch(/scene numbers/);
    expect((await post('/api/workflows/XYZG3/explode', {})).status).toBe(400);
  });
});

describe('following the disk', () => {
  it('tells open pages within a second or two when the working file changes', async () => {
    const res = await fetch(`${base}/api/events?token=${ui.token}`);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    const read = async (until: string) => {
      while (!seen.includes(until)) seen += decoder.decode((await reader.read()).value);
    };
    await read('event: hello');
    const started = Date.now();
    const file = fs.readdirSync(dir).find((n) => n.endsWith('.nbflow'))!;
    fs.appendFileSync(path.join(dir, file), ' ');
    await read('event: change');
    expect(Date.now() - started).toBeLessThan(2000);
    await reader.cancel();
  });
});
