// The page's word diff: nbflow's word diff (the one `nbv diff` and git's driver print), with the
// short op names the page's JSON API documents (docs/ui.md), neighbouring parts of one op joined.
import { wordDiff as diffWords } from '../nbflow/index.js';

export interface WordPart {
  op: '=' | '-' | '+';
  text: string;
}

const OP = { same: '=', removed: '-', added: '+' } as const;

export function wordDiff(before: string, after: string): WordPart[] {
  const parts: WordPart[] = [];
  for (const p of diffWords(before, after)) {
    const op = OP[p.op];
    const last = parts.at(-1);
    if (last?.op === op) last.text += p.text;
    else parts.push({ op, text: p.text });
  }
  return parts;
}
