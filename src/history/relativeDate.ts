// Dates as git takes them in --since/--until: `yesterday`, `today`, `now`, `2.weeks.ago`,
// `3 days ago`. Relative to the operation clock (NBV_NOW in tests), so a filter is reproducible.

const UNIT_MS: Record<string, number> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
  year: 365 * 86_400_000,
};

const AGO = /^(\d+)[. ](second|minute|hour|day|week|month|year)s?[. ]ago$/;

/** The instant (ms) a relative date names, or null when `text` is not one. */
export function relativeInstant(text: string, nowMs: number): number | null {
  const lower = text.trim().toLowerCase();
  if (lower === 'now') return nowMs;
  if (lower === 'yesterday') return nowMs - UNIT_MS['day']!;
  const match = AGO.exec(lower);
  if (!match) return null;
  return nowMs - Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** `today` as the date (YYYY-MM-DD) of `nowIso` in its own zone; else null. */
export function relativeDay(text: string, nowIso: string): string | null {
  return text.trim().toLowerCase() === 'today' ? nowIso.slice(0, 10) : null;
}
