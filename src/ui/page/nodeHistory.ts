// A node's history: each distinct cache it held, newest first, with the operation that made it,
// the inputs it was made with, and a button to bring that take back.
import type { NodeHistory } from '../nodeHistory.js';
import { useAsk } from './confirm.js';
import { authorName, enc, href, html, short, useJson, wfPath, when } from './lib.js';
import { Outputs, RefImage } from './media.js';

export function NodeHistoryView({ wf, node, refresh }: { wf: string; node: string; refresh: number }) {
  const ask = useAsk();
  const { data, error } = useJson<NodeHistory>(`${wfPath(wf)}/nodes/${enc(node)}/history`, refresh);
  if (error) return html`<div class="error-box">${error}</div>`;
  if (!data) return html`<p class="loading">Reading every state of ${node}…</p>`;
  return html`<div class="node-history" data-ready="node">
    <header class="state-head"><h2>History of <code>${node}</code></h2><span class="spacer"></span>
      <span class="muted">${data.variants.length} distinct cache${data.variants.length === 1 ? '' : 's'}${data.wipedBy.length ? `, wiped ${data.wipedBy.length} time(s)` : ''}</span></header>
    ${data.truncated ? html`<p class="muted">Only the newest states were read.</p>` : null}
    <ol class="variants">
      ${data.variants.map(
        (v, i) => html`<li class="variant">
          <header>
            <span class="variant-n">#${data.variants.length - i}</span>
            <span class="op op-${v.madeBy.op}">${v.madeBy.op}</span>
            <a href=${href({ view: 'state', wf, ref: v.madeBy.commit })}><span class="version">${v.madeBy.version}</span> <code>${short(v.madeBy.commit)}</code></a>
            <span class="muted">${v.madeBy.message} · ${authorName(v.madeBy.author)} · ${when(v.madeBy.date)}</span>
            <span class="spacer"></span>
            ${v.current ? html`<span class="ok-badge">held now</span>` : null}
            ${v.heldAgainIn.length ? html`<span class="chip">brought back ${v.heldAgainIn.length}×</span>` : null}
            <button type="button" class="secondary small restore-variant" onClick=${() =>
              ask({
                workflow: wf,
                action: 'restore',
                body: { ref: v.madeBy.commit, nodes: [node] },
                title: `Bring back take #${data.variants.length - i} of ${node}?`,
                detail: `The cache of ${node} becomes the ${v.node.outputs.length} output(s) recorded by ${v.madeBy.op} ${short(v.madeBy.commit)}. Nothing else changes.`,
                command: `nbv restore ${wf} ${short(v.madeBy.commit)} --node ${node}`,
                confirmLabel: 'Restore this take',
              })}>Restore this take</button>
          </header>
          <${Outputs} outputs=${v.node.outputs} />
          <dl class="inputs">
            ${v.node.model !== null ? html`<dt>model</dt><dd>${v.node.model}</dd>` : null}
            ${v.node.prompt !== null ? html`<dt>prompt</dt><dd class="prompt-full">${v.node.prompt}</dd>` : null}
            ${v.node.references.map((r) => html`<dt>${r.field}</dt><dd><${RefImage} url=${r.url} /></dd>`)}
            ${v.node.inputs.map((x) => html`<dt>${x.field}</dt><dd>${x.value}</dd>`)}
          </dl>
        </li>`,
      )}
    </ol>
  </div>`;
}
