// The page: routes in the address's hash, a live link to the server that says when the disk
// changed (every view then loads again), and the confirmation dialog every action goes through.
import { render } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { WorkflowSummary } from '../views.js';
import { CompareView } from './compare.js';
import { AskContext, useActions, useAsk } from './confirm.js';
import { TOKEN, authorName, href, html, parseRoute, short, useJson, when, type Route } from './lib.js';
import { NodeHistoryView } from './nodeHistory.js';
import { StateView } from './stateView.js';
import { Timeline } from './timeline.js';

function WorkflowCard({ w }: { w: WorkflowSummary }) {
  return html`<a class="workflow-card" href=${href({ view: 'state', wf: w.name, ref: 'working' })} data-workflow=${w.name}>
    <h2>${w.name} <span class="version">${w.version}</span></h2>
    <p class="muted">${w.file}</p>
    ${w.head ? html`<p><span class="op op-${w.head.op}">${w.head.op}</span> ${w.head.message} <span class="muted">· ${authorName(w.head.author)} · ${when(w.head.date)}</span></p>` : null}
    <p class="badges">
      <code>${short(w.head?.commit)}</code>
      ${w.stale ? html`<span class="stale-badge">${w.stale} stale</span>` : html`<span class="ok-badge">caches current</span>`}
      ${w.uncommitted ? html`<span class="chip">unsaved edits</span>` : null}
      ${w.missing ? html`<span class="chip danger">working file missing</span>` : null}
      ${w.merge ? html`<span class="chip danger">merge in progress: ${w.merge.conflicts} conflict(s)</span>` : null}
    </p>
  </a>`;
}

function Home({ refresh }: { refresh: number }) {
  const { data, error } = useJson<WorkflowSummary[]>('/api/workflows', refresh);
  if (error) return html`<div class="error-box">${error}</div>`;
  if (!data) return html`<p class="loading">Loading workflows…</p>`;
  return html`<main class="home" data-ready="home"><h1>Workflows</h1>
    ${data.length ? html`<div class="workflows">${data.map((w) => html`<${WorkflowCard} w=${w} />`)}</div>` : html`<p>Nothing is tracked yet: <code>nbv track FILE</code> starts a workflow.</p>`}
  </main>`;
}

/** The address nbv printed has no route: a project of one workflow opens on its working file. */
function Start({ refresh }: { refresh: number }) {
  const { data, error } = useJson<string[]>('/api/names', refresh);
  if (error) return html`<div class="error-box">${error}</div>`;
  if (!data) return html`<p class="loading">Loading…</p>`;
  if (data.length === 1) {
    location.replace(href({ view: 'state', wf: data[0]!, ref: 'working' }));
    return null;
  }
  return html`<${Home} refresh=${refresh} />`;
}

function WorkflowActions({ wf }: { wf: string }) {
  const ask = useAsk();
  return html`<div class="wf-actions">
    <button type="button" class="secondary small bump" onClick=${() =>
      ask({ workflow: wf, action: 'bump', body: {}, title: `Bump ${wf} to its next version?`, detail: 'The working file moves to backups/ under its version name and the next version is saved beside it, caches and all.', command: `nbv bump ${wf}`, confirmLabel: 'Bump' })}>Bump version</button>
    <button type="button" class="secondary small undo" onClick=${() =>
      ask({ workflow: wf, action: 'undo', body: {}, title: `Undo ${wf}'s last operation?`, detail: 'The working file goes back to the state before the last operation. The undo is itself recorded, so it can be undone too.', command: `nbv undo ${wf}`, confirmLabel: 'Undo' })}>Undo last</button>
  </div>`;
}

function Workflow({ route, refresh }: { route: Exclude<Route, { view: 'home' }>; refresh: number }) {
  const selected = route.view === 'state' ? route.ref : null;
  const main =
    route.view === 'state'
      ? html`<${StateView} key=${route.ref} wf=${route.wf} refName=${route.ref} refresh=${refresh} />`
      : route.view === 'compare'
        ? html`<${CompareView} wf=${route.wf} from=${route.from} to=${route.to} refresh=${refresh} />`
        : html`<${NodeHistoryView} wf=${route.wf} node=${route.node} refresh=${refresh} />`;
  return html`<div class="workflow">
    <${Timeline} wf=${route.wf} refresh=${refresh} selected=${selected} />
    <main class="content">${main}</main>
  </div>`;
}

function useRoute(): Route {
  const [route, setRoute] = useState(parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** Counts changes on disk; `live` says whether the event stream is connected. */
function useDiskChanges(): { refresh: number; live: boolean } {
  const [refresh, setRefresh] = useState(0);
  const [live, setLive] = useState(false);
  useEffect(() => {
    const events = new EventSource(`/api/events?token=${encodeURIComponent(TOKEN)}`);
    events.addEventListener('hello', () => setLive(true));
    events.addEventListener('change', () => setRefresh((n) => n + 1));
    events.onerror = () => setLive(false);
    return () => events.close();
  }, []);
  return { refresh, live };
}

function App() {
  const route = useRoute();
  const { refresh: diskRefresh, live } = useDiskChanges();
  const { ask, dialog, toast } = useActions();
  const wf = route.view === 'home' ? null : route.wf;
  return html`<${AskContext.Provider} value=${ask}>
    <header class="topbar">
      <a class="brand" href="#/">nbv <span>history</span></a>
      ${wf ? html`<span class="crumb">${wf}</span>` : null}
      ${wf ? html`<a class="nav" href=${href({ view: 'state', wf, ref: 'working' })}>Now</a>
        <a class="nav" href=${href({ view: 'compare', wf, from: 'HEAD', to: 'working' })}>Compare</a>` : null}
      <span class="spacer"></span>
      ${wf ? html`<${WorkflowActions} wf=${wf} />` : null}
      <span class="live ${live ? 'on' : 'off'}" title=${live ? 'Following the disk: changes show up here' : 'Not connected to nbv ui'}>${live ? 'live' : 'offline'}</span>
    </header>
    ${route.view === 'home' ? (location.hash === '' ? html`<${Start} refresh=${diskRefresh} />` : html`<${Home} refresh=${diskRefresh} />`) : html`<${Workflow} route=${route} refresh=${diskRefresh} />`}
    ${dialog}
    ${toast}
  <//>`;
}

// The token came in the address; the page keeps it in its meta tag, so the address is cleaned.
if (new URLSearchParams(location.search).has('token')) history.replaceState(null, '', `/${location.hash}`);
const workflows = JSON.parse(document.querySelector('meta[name="nbv-workflows"]')?.getAttribute('content') ?? '[]') as string[];
if (location.hash === '' && workflows.length === 1) history.replaceState(null, '', href({ view: 'state', wf: workflows[0]!, ref: 'working' }));
render(html`<${App} />`, document.getElementById('app')!);
