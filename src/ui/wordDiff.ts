// A prompt's change as words kept, removed and added, for the side-by-side view. Words are runs
// of non-space characters with the spaces after them, so joining the parts of either side gives
// that side's text back exactly.

export interface WordPart {
  op: '=' | '-' | '+';
  text: string;
}

/** Beyond this many words per side the table (n*m) would cost more than it tells: one swap. */
const MAX_WORDS = 3000;

function words(text: string): string[] {
  return text.match(/\s+|\S+\s*/g) ?? [];
}

function push(parts: WordPart[], op: WordPart['op'], text: string): void {
  const last = parts[parts.length - 1];
  if (last && last.op === op) last.text += text;
  else parts.push({ op, text });
}

export function wordDiff(before: string, after: string): WordPart[] {
  const a = words(before);
  const b = words(after);
  // Common head and tail first: most edits touch a few words in the middle.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const parts: WordPart[] = [];
  if (head) push(parts, '=', a.slice(0, head).join(''));
  if (midA.length > MAX_WORDS || midB.length > MAX_WORDS) {
    if (midA.length) push(parts, '-', midA.join(''));
    if (midB.length) push(parts, '+', midB.join(''));
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
        push(parts, '=', midA[i++]!);
        j++;
      } else if (i < n && (j === m || table[(i + 1) * (m + 1) + j]! >= table[i * (m + 1) + j + 1]!)) {
        push(parts, '-', midA[i++]!);
      } else {
        push(parts, '+', midB[j++]!);
      }
    }
  }
  if (tail) push(parts, '=', a.slice(a.length - tail).join(''));
  return parts;
}
