// A state: its operation, then its tabs and scenes as a grid of cards, each generation node with
// its outputs, prompt, model, references and stale marks. An older state offers to bring back a
// scene's or a node's cache, or the whole file; the current one offers to wipe a scene.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { NodeView, SceneView, TabView } from '../stateView.js';
import type { StaleView, StateView as StateData } from '../views.js';
import { useAsk, type ActionRequest } from './confirm.js';
import { authorName, href, html, refLabel, short, useJson, wfPath, enc, when } from './lib.js';
import { Outputs, RefImage } from './media.js';

const KIND_LABEL: Record<string, string> = { image: 'Image', video: 'Video', other: 'Node' };

function Prompt({ text, label }: { text: string | null; label: string }) {
  if (text === null) return null;
  return html`<details class="prompt">
    <summary><span class="label">${label}</span> <span class="prompt-text">${text}</span></summary>
    <p class="prompt-full">${text}</p>
  </details>`;
}

type Reasons = StaleView['nodes'][number]['reasons'];
type StaleMap = Map<string, Reasons>;

function Stale({ reasons }: { reasons: Reasons | undefined }) {
  if (!reasons) return null;
  return html`<div class="stale" role="note">
    <span class="stale-badge">stale</span>
    <ul>${reasons.map((r) => html`<li><b>${r.code}</b> ${r.detail}</li>`)}</ul>
  </div>`;
}

function NodeCard({ node, data, stale }: { node: NodeView; data: StateData; stale: StaleMap }) {
  const reasons = stale.get(node.id);
  const ask = useAsk();
  const restoreNode = (): ActionRequest => ({
    workflow: data.workflow,
    action: 'restore',
    body: { ref: data.commit, nodes: [node.id] },
    title: `Bring back ${node.title ?? node.id}'s ${KIND_LABEL[node.kind]!.toLowerCase()} cache?`,
    detail: `The cache of ${node.id} in the working file becomes the ${node.outputs.length} output(s) it held in ${data.version} (${short(data.commit)}). Nothing else changes.`,
    command: `nbv restore ${data.workflow} ${short(data.commit)} --node ${node.id}`,
    confirmLabel: 'Restore this take',
  });
  return html`<div class="node kind-${node.kind} ${reasons ? 'is-stale' : ''}" data-node=${node.id}>
    <div class="node-head">
      <span class="kind">${KIND_LABEL[node.kind]}</span>
      ${node.model !== null ? html`<span class="model">${node.model}</span>` : null}
      <code class="node-id">${node.id}</code>
      <span class="spacer"></span>
      <a class="small-link" href=${href({ view: 'node', wf: data.workflow, node: node.id })}>history</a>
      ${!data.current && data.commit ? html`<button type="button" class="link restore-node" onClick=${() => ask(restoreNode())}>restore</button>` : null}
    </div>
    <${Stale} reasons=${reasons} />
    <${Outputs} outputs=${node.outputs} />
    <${Prompt} text=${node.prompt} label="Prompt" />
    ${node.references.length ? html`<div class="refs">${node.references.map((r) => html`<${RefImage} url=${r.url} />`)}</div>` : null}
  </div>`;
}

function SceneCard({ scene, data, stale }: { scene: SceneView; data: StateData; stale: StaleMap }) {
  const ask = useAsk();
  const label = scene.title;
  const outputs = scene.nodes.reduce((n, node) => n + node.outputs.length, 0);
  const restore = (): ActionRequest => ({
    workflow: data.workflow,
    action: 'restore',
    body: { ref: data.commit, scenes: [scene.scene] },
    title: `Bring back ${label} from ${data.version}?`,
    detail: `The caches of ${label}'s ${scene.nodes.length} node(s) become what they were in ${data.version} (${short(data.commit)}): ${outputs} output(s). Every other scene stays as it is.`,
    command: `nbv restore ${data.workflow} ${short(data.commit)} --scene ${scene.scene}`,
    confirmLabel: `Restore ${label}`,
  });
  const wipe = (): ActionRequest => ({
    workflow: data.workflow,
    action: 'wipe',
    body: { scenes: [scene.scene] },
    title: `Wipe ${label}'s cache?`,
    detail: `The ${outputs} cached output(s) of ${label} are cleared so the runner makes them again. The state before the wipe is recorded and kept in backups/.`,
    command: `nbv wipe ${data.workflow} --scene ${scene.scene}`,
    confirmLabel: `Wipe ${label}`,
    danger: true,
  });
  return html`<section class="scene" data-scene=${scene.scene ?? ''}>
    <header class="scene-head">
      <h3>${label}</h3>
      <span class="spacer"></span>
      ${scene.scene !== null && !data.current && data.commit
        ? html`<button type="button" class="secondary small restore-scene" onClick=${() => ask(restore())}>Restore this take</button>`
        : null}
      ${scene.scene !== null && data.current && data.ref === 'working' && outputs > 0
        ? html`<button type="button" class="ghost small wipe-scene" onClick=${() => ask(wipe())}>Wipe</button>`
        : null}
    </header>
    ${scene.nodes.map((node) => html`<${NodeCard} node=${node} data=${data} stale=${stale} />`)}
  </section>`;
}

/** The first cards at once, the rest right after the first paint: a tab of 80 nodes and 300
 * thumbnails is on screen as fast as one of eight. */
const FIRST_CARDS = 12;

function SceneGrid({ tab, data, stale }: { tab: TabView; data: StateData; stale: StaleMap }) {
  const [limit, setLimit] = useState(FIRST_CARDS);
  useEffect(() => {
    if (tab.scenes.length <= limit) return;
    const timer = setTimeout(() => setLimit(Infinity), 30);
    return () => clearTimeout(timer);
  }, [limit, tab.scenes.length]);
  return html`<div class="grid">${tab.scenes.slice(0, limit).map((s) => html`<${SceneCard} scene=${s} data=${data} stale=${stale} />`)}</div>`;
}

function Tabs({ tabs, data, stale, onPick, picked }: { tabs: TabView[]; data: StateData; stale: StaleMap; onPick: (id: string) => void; picked: string | null }) {
  const tab = tabs.find((t) => t.loaded);
  if (!tab) return html`<p class="muted">This state has no tabs.</p>`;
  const active = picked ?? tab.id;
  return html`<div>
    <nav class="tabs" role="tablist">
      ${tabs.map((t) => {
        const marked = t.nodeIds.filter((id) => stale.has(id)).length;
        return html`<button type="button" role="tab" aria-selected=${t.id === active} class="tab ${t.id === active ? 'active' : ''}" onClick=${() => onPick(t.id)}>
          ${t.title} <span class="count">${t.sceneCount}</span>${marked ? html` <span class="stale-dot" title="${marked} stale">●</span>` : null}
        </button>`;
      })}
    </nav>
    <${SceneGrid} key=${tab.id} tab=${tab} data=${data} stale=${stale} />
    ${tab.others.length ? html`<p class="others muted">Also in this tab: ${tab.others.map((o) => o.title ?? o.id).join(', ')}</p>` : null}
  </div>`;
}

export function StateView({ wf, refName, refresh }: { wf: string; refName: string; refresh: number }) {
  const ask = useAsk();
  const [picked, setPicked] = useState<string | null>(null);
  const answer = useJson<StateData>(`${wfPath(wf)}/states/${enc(refName)}${picked ? `?tab=${enc(picked)}` : ''}`, refresh);
  // While another tab loads, the one shown stays on screen.
  const last = useRef<StateData | null>(null);
  if (answer.data) last.current = answer.data;
  const { error, ms } = answer;
  const data = answer.data ?? last.current;
  // Stale marks come on their own: analysing every cache costs more than drawing the scenes.
  const staleData = useJson<StaleView>(data?.current ? `${wfPath(wf)}/stale` : null, refresh).data;
  const stale: StaleMap = new Map((staleData?.nodes ?? []).map((n) => [n.node, n.reasons]));
  useEffect(() => {
    // The first view's time, from navigation to the scenes on screen, for the browser tests' report.
    if (data && !document.documentElement.dataset['firstView']) {
      requestAnimationFrame(() => (document.documentElement.dataset['firstView'] = String(Math.round(performance.now()))));
    }
  }, [data]);
  if (error) return html`<div class="error-box">${error}</div>`;
  if (!data) return html`<p class="loading">Loading ${refLabel(refName)}…</p>`;
  const item = data.item;
  const restoreAll = (): ActionRequest => ({
    workflow: data.workflow,
    action: 'restore',
    body: { ref: data.commit },
    title: `Restore the whole file to ${data.version} (${short(data.commit)})?`,
    detail: `${data.file} becomes, byte for byte, the file of this state: every prompt, setting and cache. The state it replaces is recorded first and kept in backups/.`,
    command: `nbv restore ${data.workflow} ${short(data.commit)}`,
    confirmLabel: 'Restore this state',
  });
  return html`<div class="state" data-ready="state" data-stale=${staleData ? 'loaded' : ''} data-load-ms=${ms === null ? '' : Math.round(ms)}>
    <header class="state-head">
      <div>
        <h2>${data.ref === 'working' ? html`Working file <span class="version">${data.version}</span>` : html`<span class="version">${data.version}</span> <code>${short(data.commit)}</code>`}</h2>
        ${item
          ? html`<p class="state-meta"><span class="op op-${item.op}">${item.op}</span> ${item.message || 'no message'} · ${authorName(item.author)} · ${when(item.date)}</p>`
          : html`<p class="state-meta">${data.file}, as it is on disk${!staleData ? '' : stale.size ? html` · <span class="stale-badge">${stale.size} stale</span>` : ' · every cache matches its node'}</p>`}
      </div>
      <span class="spacer"></span>
      ${!data.current && data.commit ? html`<button type="button" class="secondary restore-state" onClick=${() => ask(restoreAll())}>Restore this state</button>` : null}
      ${data.commit || data.ref === 'working'
        ? html`<a class="button secondary" href=${href({ view: 'compare', wf, from: data.ref === 'working' ? 'HEAD' : short(data.commit), to: 'working' })}>Compare with now</a>`
        : null}
    </header>
    <${Tabs} tabs=${data.tabs} data=${data} stale=${stale} onPick=${setPicked} picked=${picked} />
  </div>`;
}
