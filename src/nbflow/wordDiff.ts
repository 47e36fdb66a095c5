// A word diff of two texts (prompts): which words were removed and which added, with the words
// around them kept. Words and the whitespace between them are the tokens, so joining every part
// gives the texts back: `same + removed` parts are the old text, `same + added` parts the new.
// Pure; used by the git diff driver, and meant for `nbv diff`/`show` and the history browser.

export interface WordDiffPart {
  op: 'same' | 'added' | 'removed';
  text: string;
}

/** Past this many token pairs the quadratic table is not built: the differing middle is shown as
 * one removal and one addition (still exact, just coarser). */
const MAX_CELLS = 4_000_000;

function tokens(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

function push(parts: WordDiffPart[], op: WordDiffPart['op'], text: string): void {
  if (text === '') return;
  const last = parts[parts.length - 1];
  if (last !== undefined && last.op === op) last.text += text;
  else parts.push({ op, text });
}

export function wordDiff(before: string, after: string): WordDiffPart[] {
  const a = tokens(before);
  const b = tokens(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const parts: WordDiffPart[] = [];
  push(parts, 'same', a.slice(0, head).join(''));
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  if (midA.length * midB.length > MAX_CELLS) {
    push(parts, 'removed', midA.join(''));
    push(parts, 'added', midB.join(''));
  } else {
    // Longest common subsequence, table of suffix lengths, then one forward walk.
    const n = midA.length;
    const m = midB.length;
    const table = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        table[i * (m + 1) + j] = midA[i] === midB[j] ? table[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(table[(i + 1) * (m + 1) + j]!, table[i * (m + 1) + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        push(parts, 'same', midA[i++]!);
        j++;
      } else if (i < n && (j === m || table[(i + 1) * (m + 1) + j]! >= table[i * (m + 1) + j + 1]!)) push(parts, 'removed', midA[i++]!);
      else push(parts, 'added', midB[j++]!);
    }
  }
  push(parts, 'same', a.slice(a.length - tail).join(''));
  return parts;
}

/** git's `--word-diff=plain` notation: `[-removed-]{+added+}`; unchanged runs longer than
 * `context` characters are cut to their ends around an ellipsis. */
export function formatWordDiff(parts: readonly WordDiffPart[], context = Infinity): string {
  return parts
    .map((part, index) => {
      if (part.op === 'removed') return `[-${part.text}-]`;
      if (part.op === 'added') return `{+${part.text}+}`;
      if (part.text.length <= context * 2) return part.text;
      const first = index === 0;
      const last = index === parts.length - 1;
      if (first) return `…${part.text.slice(-context)}`;
      if (last) return `${part.text.slice(0, context)}…`;
      return `${part.text.slice(0, context)} … ${part.text.slice(-context)}`;
    })
    .join('');
}
