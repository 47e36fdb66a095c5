// What every view of the page shares: the API client (the token goes in a header on every
// request), routes in the address's hash, and small formatting helpers.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';

export { html };

const tokenMeta = document.querySelector('meta[name="nbv-token"]');
export const TOKEN = tokenMeta?.getAttribute('content') ?? '';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function answer<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) throw new ApiError(body?.error?.code ?? String(res.status), body?.error?.message ?? `HTTP ${res.status}`);
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path, { headers: { 'X-Nbv-Token': TOKEN }, cache: 'no-store' }));
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(await fetch(path, { method: 'POST', headers: { 'X-Nbv-Token': TOKEN, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }));
}

export const enc = encodeURIComponent;
export const wfPath = (wf: string) => `/api/workflows/${enc(wf)}`;

/** Loads `path` again whenever it or `refresh` changes; keeps the old data while reloading. */
export function useJson<T>(path: string | null, refresh: number): { data: T | null; error: string | null; ms: number | null } {
  const [state, setState] = useState<{ data: T | null; error: string | null; ms: number | null; path: string | null }>({ data: null, error: null, ms: null, path: null });
  useEffect(() => {
    if (path === null) return;
    let live = true;
    const started = performance.now();
    getJson<T>(path).then(
      (data) => {
        // When the first answer arrived, beside the first view's time (browser tests report both).
        document.documentElement.dataset['firstAnswer'] ??= String(Math.round(performance.now()));
        if (live) setState({ data, error: null, ms: performance.now() - started, path });
      },
      (err: Error) => live && setState((s) => ({ ...s, error: err.message, path })),
    );
    return () => {
      live = false;
    };
  }, [path, refresh]);
  // Data of another path is not shown as this one's.
  return state.path === path ? state : { data: null, error: null, ms: null };
}

export type Route =
  | { view: 'home' }
  | { view: 'state'; wf: string; ref: string }
  | { view: 'compare'; wf: string; from: string; to: string }
  | { view: 'node'; wf: string; node: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map((p) => decodeURIComponent(p));
  const [w, wf, kind, a, b] = parts;
  if (w === 'w' && wf) {
    if (kind === 'compare' && a && b) return { view: 'compare', wf, from: a, to: b };
    if (kind === 'node' && a) return { view: 'node', wf, node: a };
    return { view: 'state', wf, ref: kind === 'state' && a ? a : 'working' };
  }
  return { view: 'home' };
}

export function href(route: Route): string {
  switch (route.view) {
    case 'home':
      return '#/';
    case 'state':
      return `#/w/${enc(route.wf)}/state/${enc(route.ref)}`;
    case 'compare':
      return `#/w/${enc(route.wf)}/compare/${enc(route.from)}/${enc(route.to)}`;
    case 'node':
      return `#/w/${enc(route.wf)}/node/${enc(route.node)}`;
  }
}

export const short = (commit: string | null | undefined) => (commit ? commit.slice(0, 7) : '');

export function when(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function authorName(author: string): string {
  return author.replace(/\s*<[^>]*>$/, '');
}

/** A ref as the page labels it. */
export function refLabel(ref: string): string {
  return ref === 'working' ? 'working file' : /^[0-9a-f]{40}$/i.test(ref) ? ref.slice(0, 7) : ref;
}
