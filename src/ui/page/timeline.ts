// The side panel: a workflow's operations, newest first, a page at a time, with log's filters.
import { useEffect, useState } from 'preact/hooks';
import type { LogItem } from '../../engine/index.js';
import type { TimelinePage } from '../views.js';
import { authorName, getJson, href, html, short, wfPath, when } from './lib.js';

const OPS = ['', 'track', 'import', 'commit', 'wipe', 'bump', 'restore', 'undo', 'reroll', 'run'];
const PAGE = 50;

interface Filters {
  op: string;
  scene: string;
  node: string;
  author: string;
}

function query(f: Filters, offset: number): string {
  const q = new URLSearchParams({ offset: String(offset), limit: String(PAGE) });
  if (f.op) q.set('op', f.op);
  if (f.scene.trim()) q.set('scene', f.scene.trim());
  if (f.node.trim()) q.set('node', f.node.trim());
  if (f.author.trim()) q.set('author', f.author.trim());
  return q.toString();
}

function Entry({ item, wf, selected }: { item: LogItem; wf: string; selected: boolean }) {
  const touched = item.changes.length ? item.changes.map((c) => c.title ?? c.node) : item.nodes;
  return html`<li class="entry ${selected ? 'selected' : ''}">
    <a href=${href({ view: 'state', wf, ref: item.commit })} data-commit=${item.commit}>
      <div class="entry-top">
        <span class="op op-${item.op}">${item.op}</span>
        <span class="version">${item.version}</span>
        <code class="commit">${short(item.commit)}</code>
      </div>
      <div class="message">${item.message || html`<span class="muted">no message</span>`}</div>
      <div class="meta">${authorName(item.author)} · ${when(item.date)}</div>
      ${touched.length
        ? html`<div class="touched" title=${touched.join(', ')}>${touched.length > 4 ? `${touched.slice(0, 4).join(', ')} +${touched.length - 4}` : touched.join(', ')}</div>`
        : null}
    </a>
  </li>`;
}

export function Timeline({ wf, refresh, selected }: { wf: string; refresh: number; selected: string | null }) {
  const [filters, setFilters] = useState<Filters>({ op: '', scene: '', node: '', author: '' });
  const [applied, setApplied] = useState(filters);
  const [items, setItems] = useState<LogItem[]>([]);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = async (offset: number, keep: LogItem[]) => {
    setLoading(true);
    try {
      const page = await getJson<TimelinePage>(`${wfPath(wf)}/timeline?${query(applied, offset)}`);
      setItems([...keep, ...page.items]);
      setMore(page.more);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setLoading(false);
    }
  };
  // A change on disk (refresh) reloads the newest page: that is where new operations appear.
  useEffect(() => void load(0, []), [wf, applied, refresh]);

  const set = (key: keyof Filters) => (e: Event) => setFilters({ ...filters, [key]: (e.target as HTMLInputElement).value });
  const submit = (e: Event) => {
    e.preventDefault();
    setApplied(filters);
  };
  return html`<aside class="timeline" aria-label="Timeline">
    <form class="filters" onSubmit=${submit}>
      <select aria-label="Operation" value=${filters.op} onChange=${(e: Event) => {
        const next = { ...filters, op: (e.target as HTMLSelectElement).value };
        setFilters(next);
        setApplied(next);
      }}>
        ${OPS.map((op) => html`<option value=${op}>${op || 'every operation'}</option>`)}
      </select>
      <input aria-label="Scene" placeholder="scene" size="5" value=${filters.scene} onInput=${set('scene')} />
      <input aria-label="Author" placeholder="author" size="8" value=${filters.author} onInput=${set('author')} />
      <button type="submit" class="secondary small">Filter</button>
    </form>
    ${error ? html`<p class="error">${error}</p>` : null}
    <ol class="entries">
      <li class="entry ${selected === 'working' ? 'selected' : ''}">
        <a href=${href({ view: 'state', wf, ref: 'working' })}><div class="entry-top"><span class="op op-working">now</span><span class="version">working file</span></div>
        <div class="meta">as it is on disk</div></a>
      </li>
      ${items.map((item) => html`<${Entry} item=${item} wf=${wf} selected=${selected !== null && selected.length >= 7 && item.commit.startsWith(selected.toLowerCase())} />`)}
    </ol>
    ${more ? html`<button type="button" class="secondary more" disabled=${loading} onClick=${() => load(items.length, items)}>${loading ? 'Loading…' : 'Older operations'}</button>` : null}
    ${!more && items.length ? html`<p class="muted end">${items.length} operation${items.length === 1 ? '' : 's'}, the first one last</p>` : null}
  </aside>`;
}
