// Two states side by side: every node that differs, what changed (prompt as a word diff, model,
// references, inputs), and its outputs before and after.
import type { FieldChange } from '../../nbflow/index.js';
import type { CompareNode, CompareView as CompareData, TimelinePage } from '../views.js';
import { enc, href, html, refLabel, short, useJson, wfPath } from './lib.js';
import { Outputs } from './media.js';

const CHANGE_LABEL: Record<string, string> = {
  added: 'added',
  removed: 'removed',
  'prompt-edited': 'prompt edited',
  'model-changed': 'model changed',
  'reference-changed': 'reference changed',
  'input-changed': 'input changed',
  'cache-filled': 'cache filled',
  'cache-wiped': 'cache wiped',
  'cache-changed': 'new outputs',
  'presentation-changed': 'moved or resized',
  'other-changed': 'other change',
};

function value(v: unknown): string {
  if (v === undefined) return '(none)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function Change({ change }: { change: FieldChange }) {
  if (change.kind === 'prompt-edited' || change.kind.startsWith('cache') || change.kind === 'added' || change.kind === 'removed') return null;
  return html`<div class="field-change"><span class="field">${change.field}</span>
    <del>${value(change.before)}</del> <span class="arrow">→</span> <ins>${value(change.after)}</ins></div>`;
}

function NodeChange({ node }: { node: CompareNode }) {
  const cache = node.changes.find((c) => c.cache)?.cache;
  return html`<article class="change-card" data-node=${node.node}>
    <header>
      <h3>${node.title ?? node.node}</h3>
      <code class="node-id">${node.node}</code>
      <span class="tab-name">${node.tab}</span>
      <span class="spacer"></span>
      ${node.changes.map((c) => html`<span class="chip chip-${c.kind}">${CHANGE_LABEL[c.kind] ?? c.kind}${c.field && c.kind === 'other-changed' ? ` (${c.field})` : ''}</span>`)}
    </header>
    ${node.words.map(
      (w) => html`<div class="word-diff"><span class="field">${w.field}</span>
        <p>${w.parts.map((p) => (p.op === '=' ? p.text : p.op === '-' ? html`<del>${p.text}</del>` : html`<ins>${p.text}</ins>`))}</p></div>`,
    )}
    ${node.changes.map((c) => html`<${Change} change=${c} />`)}
    <div class="before-after">
      <div class="side before"><div class="side-label">before${cache ? ` · ${cache.before} output(s)` : ''}</div>
        ${node.before ? html`<${Outputs} outputs=${node.before.outputs} />` : html`<div class="no-cache">not in this state</div>`}</div>
      <div class="side after"><div class="side-label">after${cache ? ` · ${cache.after} output(s)` : ''}</div>
        ${node.after ? html`<${Outputs} outputs=${node.after.outputs} />` : html`<div class="no-cache">not in this state</div>`}</div>
    </div>
  </article>`;
}

function Picker({ label, value: current, options, onPick }: { label: string; value: string; options: string[]; onPick: (v: string) => void }) {
  const all = options.includes(current) ? options : [current, ...options];
  return html`<label class="picker">${label}
    <select aria-label=${label} value=${current} onChange=${(e: Event) => onPick((e.target as HTMLSelectElement).value)}>
      ${all.map((o) => html`<option value=${o}>${refLabel(o)}</option>`)}
    </select></label>`;
}

export function CompareView({ wf, from, to, refresh }: { wf: string; from: string; to: string; refresh: number }) {
  const { data, error, ms } = useJson<CompareData>(`${wfPath(wf)}/compare?from=${enc(from)}&to=${enc(to)}`, refresh);
  const versions = useJson<TimelinePage>(`${wfPath(wf)}/timeline?limit=500`, refresh).data;
  const options = ['working', 'HEAD', ...new Set((versions?.items ?? []).map((i) => i.version))];
  const go = (f: string, t: string) => (location.hash = href({ view: 'compare', wf, from: f, to: t }));
  const summary = data
    ? `${data.nodes.length} node${data.nodes.length === 1 ? '' : 's'} changed${data.other.length ? `, ${data.other.length} other change(s)` : ''}`
    : '';
  return html`<div class="compare" data-ready=${data ? 'compare' : ''} data-load-ms=${ms === null ? '' : Math.round(ms)}>
    <header class="state-head">
      <h2>Compare</h2>
      <${Picker} label="from" value=${from} options=${options.filter((o) => o !== 'working')} onPick=${(v: string) => go(v, to)} />
      <span class="arrow">→</span>
      <${Picker} label="to" value=${to} options=${options} onPick=${(v: string) => go(from, v)} />
      <span class="spacer"></span>
      ${data ? html`<span class="muted">${summary}</span>` : null}
    </header>
    ${error ? html`<div class="error-box">${error}</div>` : null}
    ${data
      ? html`<p class="compare-sides muted">
          <a href=${href({ view: 'state', wf, ref: data.from.commit ?? 'working' })}>${data.from.version} ${short(data.from.commit)}</a> →
          <a href=${href({ view: 'state', wf, ref: data.to.commit ?? 'working' })}>${data.to.commit ? `${data.to.version} ${short(data.to.commit)}` : 'working file'}</a></p>
          ${data.nodes.length === 0 ? html`<p class="muted">The two states hold the same nodes.</p>` : data.nodes.map((n) => html`<${NodeChange} node=${n} />`)}
          ${data.other.length ? html`<div class="other-changes"><h3>Outside the nodes</h3><ul>${data.other.map((p) => html`<li><code>${p}</code></li>`)}</ul></div>` : null}`
      : !error ? html`<p class="loading">Comparing…</p>` : null}
  </div>`;
}
