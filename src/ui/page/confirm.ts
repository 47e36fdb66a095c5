// Every action asks first, saying what it will do and the command it stands for, then shows the
// commit it recorded. One action at a time: the dialog stays until the engine has answered.
import { createContext } from 'preact';
import { useContext, useState } from 'preact/hooks';
import type { ActionResult } from '../actions.js';
import { enc, href, html, postJson, short, wfPath } from './lib.js';

export interface ActionRequest {
  workflow: string;
  action: 'restore' | 'wipe' | 'bump' | 'undo';
  body: Record<string, unknown>;
  title: string;
  detail: string;
  /** The command line it stands for. */
  command: string;
  confirmLabel: string;
  danger?: boolean;
}

export const AskContext = createContext<(request: ActionRequest) => void>(() => undefined);
export const useAsk = () => useContext(AskContext);

export function useActions(): {
  ask: (r: ActionRequest) => void;
  dialog: unknown;
  toast: unknown;
} {
  const [pending, setPending] = useState<ActionRequest | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<ActionResult | null>(null);
  const ask = (r: ActionRequest) => {
    setError(null);
    setPending(r);
  };
  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    try {
      const result = await postJson<ActionResult>(`${wfPath(pending.workflow)}/${enc(pending.action)}`, pending.body);
      setDone(result);
      setPending(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const dialog = pending
    ? html`<div class="overlay" role="dialog" aria-modal="true" aria-labelledby="confirm-title">
        <div class="dialog ${pending.danger ? 'danger' : ''}">
          <h2 id="confirm-title">${pending.title}</h2>
          <p>${pending.detail}</p>
          <p class="cli">Same as <code>${pending.command}</code>. Recorded as an operation; the state it replaces stays in history.</p>
          ${error ? html`<p class="error">${error}</p>` : null}
          <div class="buttons">
            <button type="button" class="secondary" onClick=${() => setPending(null)} disabled=${busy}>Cancel</button>
            <button type="button" class="primary confirm" onClick=${confirm} disabled=${busy}>${busy ? 'Working…' : pending.confirmLabel}</button>
          </div>
        </div>
      </div>`
    : null;
  const toast = done
    ? html`<div class="toast ${done.recorded ? 'ok' : 'info'}" role="status">
        <span class="toast-text">${done.summary}</span>
        ${done.commit
          ? html`<a class="toast-commit" href=${href({ view: 'state', wf: done.workflow, ref: done.commit })}>open ${short(done.commit)}</a>`
          : null}
        <button type="button" class="link" onClick=${() => setDone(null)} aria-label="Dismiss">✕</button>
      </div>`
    : null;
  return { ask, dialog, toast };
}
