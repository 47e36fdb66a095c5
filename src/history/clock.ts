// One reading of "now" per operation, so the commit, the op record and the backup names agree.
import { NbvError } from '../errors.js';

export interface Moment {
  /** ISO 8601 with the zone offset, e.g. 2026-05-12T10:15:00+02:00. */
  iso: string;
  /** Seconds since the epoch. */
  timestamp: number;
  /** Minutes WEST of UTC, the sign git signatures (and isomorphic-git) use. */
  timezoneOffset: number;
  /** The calendar date in that zone, YYYY-MM-DD: what backup names carry. */
  date: string;
}

const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/;

const pad = (n: number) => String(n).padStart(2, '0');

/** A moment from an ISO string that carries its own zone (the form op records keep). */
export function momentFromIso(iso: string, what = 'time'): Moment {
  const m = ISO_WITH_ZONE.exec(iso);
  if (!m) throw new NbvError('BAD_USAGE', `${what} '${iso}' is not an ISO time with a zone (2026-05-12T10:15:00+02:00)`);
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new NbvError('BAD_USAGE', `${what} '${iso}' is not a valid time`);
  const eastMinutes = m[7] === 'Z' ? 0 : (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
  return { iso, timestamp: Math.floor(ms / 1000), timezoneOffset: -eastMinutes, date: `${m[1]}-${m[2]}-${m[3]}` };
}

/** Formats an instant in a zone given as minutes east of UTC. */
export function momentAt(ms: number, eastMinutes: number): Moment {
  const local = new Date(ms + eastMinutes * 60_000);
  const sign = eastMinutes < 0 ? '-' : '+';
  const abs = Math.abs(eastMinutes);
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const iso =
    `${date}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return { iso, timestamp: Math.floor(ms / 1000), timezoneOffset: -eastMinutes, date };
}

/** Now, in the machine's zone; `NBV_NOW` (an ISO time with zone) pins it for tests and imports. */
export function now(env: NodeJS.ProcessEnv = process.env): Moment {
  const pinned = env['NBV_NOW'];
  if (pinned) return momentFromIso(pinned, 'NBV_NOW');
  const ms = Date.now();
  return momentAt(ms, -new Date(ms).getTimezoneOffset());
}
