// Thumbnails of cached outputs. They load from the outputs' own URLs; one that fails (expired,
// offline, deleted) becomes a placeholder that says so. Clips show their still and play only
// when clicked, so a grid of forty clips never downloads forty videos.
import { useState } from 'preact/hooks';
import type { OutputView } from '../stateView.js';
import { html } from './lib.js';

function Missing({ what, url }: { what: string; url: string | null }) {
  return html`<div class="thumb missing" title=${url ?? 'no URL in this entry'}><span class="ph-icon">⊘</span><span>${what} unavailable</span></div>`;
}

export function Thumb({ output }: { output: OutputView }) {
  const [failed, setFailed] = useState(false);
  const [playing, setPlaying] = useState(false);
  if (output.media === 'video') {
    if (!output.url) return html`<${Missing} what="clip" url=${null} />`;
    if (playing && !failed) return html`<video class="thumb" src=${output.url} controls autoplay onError=${() => setFailed(true)}></video>`;
    if (playing && failed) return html`<${Missing} what="clip" url=${output.url} />`;
    return html`<button type="button" class="thumb clip" title=${`Play ${output.url}`} onClick=${() => setPlaying(true)}>
      ${output.thumb && !failed ? html`<img src=${output.thumb} alt="" loading="lazy" onError=${() => setFailed(true)} />` : html`<span class="ph-clip">${output.thumb ? 'no still' : 'clip'}</span>`}
      <span class="play">▶</span>
    </button>`;
  }
  if (!output.url || failed) return html`<${Missing} what="image" url=${output.url} />`;
  return html`<a class="thumb-link" href=${output.url} target="_blank" rel="noopener noreferrer" title=${output.url}>
    <img class="thumb" src=${output.url} alt="" loading="lazy" onError=${() => setFailed(true)} />
  </a>`;
}

export function Outputs({ outputs }: { outputs: OutputView[] }) {
  if (outputs.length === 0) return html`<div class="no-cache">no cached output</div>`;
  return html`<div class="thumbs">${outputs.map((o) => html`<${Thumb} output=${o} />`)}</div>`;
}

export function RefImage({ url }: { url: string }) {
  const [failed, setFailed] = useState(false);
  const safe = /^https?:\/\//i.test(url);
  return html`<span class="ref">
    ${safe && !failed ? html`<img class="ref-img" src=${url} alt="" loading="lazy" onError=${() => setFailed(true)} />` : html`<span class="ref-img missing">⊘</span>`}
    <span class="ref-url">${url.replace(/^https?:\/\/[^/]+/, '')}</span>
  </span>`;
}
