// When a hand-made backup was made, for the import's dates (docs/import.md). A file's
// modification time is what a folder remembers, but a copy, a download or a clone resets it, and
// then the log would mix today's date with May's. The name (`.bak-2026-05-12-...`) and the
// document itself (the newest `createdAt` of its cached outputs) survive a copy. Pure.

/** How the import dates states: `auto` trusts modification times unless they look reset. */
export type DateSource = 'auto' | 'mtime' | 'content';
export const DATE_SOURCES: readonly DateSource[] = ['auto', 'mtime', 'content'];

/** Files whose mtimes all lie within this span were copied together, not saved over days. */
const COPIED_TOGETHER_MS = 5 * 60_000;
/** A backup named for a day is not edited this long after it: its mtime was reset. */
const NAME_DAY_SLACK_MS = 2 * 86_400_000;

export interface DatedFile {
  mtimeMs: number;
  /** YYYY-MM-DD from the file's name, when it carries one. */
  nameDate: string | null;
}

/** Why the modification times look reset (a sentence), or null when they look like real saves. */
export function mtimesLookReset(files: readonly DatedFile[]): string | null {
  if (files.length >= 3) {
    const times = files.map((f) => f.mtimeMs);
    if (Math.max(...times) - Math.min(...times) < COPIED_TOGETHER_MS) return `all ${files.length} files were modified within minutes of each other, as a copy or clone leaves them`;
  }
  for (const f of files) {
    if (f.nameDate === null) continue;
    const named = Date.parse(`${f.nameDate}T23:59:59Z`);
    if (f.mtimeMs - named > NAME_DAY_SLACK_MS) return `a backup named for ${f.nameDate} was modified on ${new Date(f.mtimeMs).toISOString().slice(0, 10)}`;
  }
  return null;
}

const DATE_KEYS = new Set(['createdAt', 'updatedAt', 'savedAt', 'generatedAt', 'created', 'timestamp']);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The newest time written inside the document (its cached outputs' `createdAt`, ...), in ms:
 * the file was saved no earlier than that. Null when it holds none. */
export function newestTimeInDocument(doc: unknown): number | null {
  let newest: number | null = null;
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) stack.push(...value);
    else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (typeof v === 'string' && DATE_KEYS.has(key) && ISO.test(v)) {
          const ms = Date.parse(v);
          if (!Number.isNaN(ms) && (newest === null || ms > newest)) newest = ms;
        } else if (typeof v === 'object') stack.push(v);
      }
    }
  }
  return newest;
}

/**
 * Instants (ms) to date states by when modification times are not trusted, in history order:
 * noon of the day a name carries; an undated state takes the previous dated one's (it came after
 * it), or before any, the next one's; only where no name carries a date does the document's newest
 * time count. Null where there is nothing to go by (the caller keeps the mtime).
 */
export function contentInstants(nameNoonsMs: ReadonlyArray<number | null>, documentMs: (index: number) => number | null): Array<number | null> {
  const out: Array<number | null> = [];
  const anyNamed = nameNoonsMs.some((n) => n !== null);
  for (let i = 0; i < nameNoonsMs.length; i++) {
    const own = nameNoonsMs[i] ?? null;
    if (own !== null) out.push(own);
    else if (!anyNamed) out.push(Math.max(documentMs(i) ?? -Infinity, out[i - 1] ?? -Infinity)) ;
    else out.push(out[i - 1] ?? nameNoonsMs.slice(i + 1).find((n) => n !== null) ?? null);
  }
  return out.map((ms) => (ms === null || ms === -Infinity ? null : ms));
}
