// The audit trail through the real binary, on the sample project (its hand-made backups/ taken in
// as history) plus a few days of work by several people: who wiped Scene 03 on May 12 and why,
// which version shipped with the old avatar, and the whole trail exported as JSON Lines and CSV.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord, LogItem } from '../../src/index.js';
import { copyFixture, git, nbv, nbvJson, nbvOk, removeDir } from '../helpers/cli.js';

let dir = '';
const BOB = { NBV_AUTHOR: 'Bob Stone <bob@example.com>', NBV_NOW: '2026-05-12T09:40:00+02:00' };
const WHY = 'Scene 03: tighter framing, "hero" light\nasked by the client';

beforeAll(() => {
  dir = copyFixture();
  nbvOk(dir, ['init']);
  nbvOk(dir, ['track', 'XYZG3-V0-3.nbflow'], { NBV_NOW: '2026-05-12T09:00:00+02:00' });
  const file = path.join(dir, 'XYZG3-V0-3.nbflow');
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf('"prompt": "', text.indexOf('"id": "img-s03"')) + '"prompt": "'.length;
  fs.writeFileSync(file, text.slice(0, at) + 'Tighter framing. ' + text.slice(at));
  nbvOk(dir, ['commit', '-m', WHY], BOB);
  // The --author flag wins over NBV_AUTHOR.
  nbvOk(dir, ['--author', 'Carol Reyes <carol@example.com>', 'wipe', '--scene', '03', '-m', 'renders still used the old avatar'], { NBV_NOW: '2026-05-12T16:20:00+02:00' });
  nbvOk(dir, ['bump', '-m', 'May 13 pass'], { NBV_AUTHOR: 'Jane Tester <jane@example.com>', NBV_NOW: '2026-05-13T08:00:00+02:00' });
}, 60_000);
afterAll(() => removeDir(dir));

describe('the audit trail', () => {
  it('answers "who wiped Scene 03 on May 12, and why?"', () => {
    const wipes = nbvJson<LogItem[]>(dir, ['log', '--op', 'wipe', '--scene', '03', '--since', '2026-05-12', '--until', '2026-05-12']);
    expect(wipes).toHaveLength(1);
    expect(wipes[0]).toMatchObject({ author: 'Carol Reyes <carol@example.com>', date: '2026-05-12T16:20:00+02:00', message: 'renders still used the old avatar', nodes: ['img-s03', 'vid-s03'] });
    // Instants with zones: 16:20+02:00 is 14:20Z.
    expect(nbvJson<LogItem[]>(dir, ['log', '--since', '2026-05-12T14:20:00Z', '--until', '2026-05-12T14:20:00Z']).map((e) => e.op)).toEqual(['wipe']);
    expect(nbvJson<LogItem[]>(dir, ['log', '--since', '2026-05-12T14:21:00Z', '--op', 'wipe'])).toEqual([]);
    expect(nbvJson<LogItem[]>(dir, ['log', '--author', 'CAROL']).map((e) => e.op)).toEqual(['wipe']);
    expect(nbvJson<LogItem[]>(dir, ['log', '--author', 'bob@example']).map((e) => e.message)).toEqual([WHY]);
    const bad = nbv(dir, ['log', '--since', 'last tuesday']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--since');
  });

  it('answers "which version shipped with the old avatar?" with blame', () => {
    const blame = nbvJson<{ fields: Array<{ path: string; commit: string; version: string; op: string; value: string }> }>(dir, ['blame', '--node', 'img-s03']);
    const avatar = blame.fields.find((f) => f.path === '/data/avatarRef')!;
    expect(avatar.value).toContain('jane-v2.png');
    expect(avatar.version).toBe('V0-2'); // the avatar changed during V0-2 ...
    const gitdir = path.join(dir, '.nbv');
    const parentFile = JSON.parse(git(gitdir, ['show', `${avatar.commit}~1:op.json`]).stdout).file;
    expect(git(gitdir, ['show', `${avatar.commit}~1:${parentFile}`]).stdout).toContain('jane-v1.png');
    // ... after every V0-1 state: V0-1 shipped with the old avatar, V0-3 and later with the new.
    const log = nbvJson<LogItem[]>(dir, ['log']);
    const at = log.findIndex((e) => e.commit === avatar.commit);
    expect(log.slice(0, at).map((e) => e.version)).not.toContain('V0-1');
    expect(log.slice(at + 1).map((e) => e.version)).toContain('V0-1');
    const prompt = blame.fields.find((f) => f.path === '/data/prompt')!;
    expect(prompt).toMatchObject({ op: 'commit', version: 'V0-3' });
    const text = nbvOk(dir, ['blame', '--node', 'vid-s03', '--field', '_savedClips']);
    expect(text).toContain('/data/_savedClips');
    expect(text).toContain('Carol Reyes: renders still used the old avatar');
    expect(nbv(dir, ['blame', '--node', 'img-s99']).status).toBe(2);
  });

  it('exports the whole trail as JSON Lines: author, zone time, intent with the command line, nodes, patch summary', () => {
    const log = nbvJson<LogItem[]>(dir, ['log']);
    const lines = nbvOk(dir, ['audit']).split('\n');
    expect(lines.pop()).toBe('');
    const records = lines.map((l) => JSON.parse(l) as AuditRecord);
    expect(records.map((r) => r.commit)).toEqual(log.map((e) => e.commit).reverse());
    const wipe = records.find((r) => r.op === 'wipe')!;
    expect(wipe).toMatchObject({ workflow: 'XYZG3', version: 'V0-3', author: 'Carol Reyes <carol@example.com>', nodes: ['img-s03', 'vid-s03'], tool: expect.stringMatching(/^nbv /) });
    expect(wipe.intent.argv).toEqual(['--author', 'Carol Reyes <carol@example.com>', 'wipe', '--scene', '03', '-m', 'renders still used the old avatar']);
    expect(wipe.intent.selector).toEqual({ scenes: ['03'] });
    expect(wipe.patch.ops).toBeGreaterThan(0);
    expect(wipe.patch.paths).toBe(wipe.patch.ops);
    expect(Object.keys(wipe.patch.byKind).every((k) => ['add', 'remove', 'replace'].includes(k))).toBe(true);
    expect(records.find((r) => r.op === 'commit')!.patch).toEqual({ ops: 1, byKind: { replace: 1 }, paths: 1 });
    expect(records.every((r) => /^[0-9a-f]{64}$/.test(r.chain ?? ''))).toBe(true);
    const may13 = nbvOk(dir, ['audit', '--since', '2026-05-13', '--until', '2026-05-13', '--format', 'jsonl']).trim().split('\n');
    expect(may13.map((l) => JSON.parse(l).op)).toEqual(['bump']);
  });

  it('exports CSV that an RFC 4180 reader turns back into the same records', () => {
    const jsonl = nbvOk(dir, ['audit']).trim().split('\n').map((l) => JSON.parse(l) as AuditRecord);
    const csv = nbvOk(dir, ['audit', '--format', 'csv']);
    expect(csv.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(csv);
    expect(rows).toHaveLength(jsonl.length);
    const col = (row: string[], name: string) => row[header!.indexOf(name)];
    rows.forEach((row, i) => {
      expect(row).toHaveLength(header!.length);
      expect(col(row, 'commit')).toBe(jsonl[i]!.commit);
      expect(col(row, 'message')).toBe(jsonl[i]!.message);
      expect(col(row, 'nodes')).toBe(jsonl[i]!.nodes.join(' '));
      expect(JSON.parse(col(row, 'intent')!)).toEqual(jsonl[i]!.intent);
    });
    expect(csv).toContain('"Scene 03: tighter framing, ""hero"" light\nasked by the client"');
    expect(nbv(dir, ['audit', '--format', 'xml']).status).toBe(2);
  });
});

/** A strict RFC 4180 reader (quoted fields, doubled quotes, CRLF records). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let value = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quote');
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      const end = text.slice(i).search(/,|\r\n/);
      value = text.slice(i, end < 0 ? undefined : i + end);
      i += value.length;
    }
    row.push(value);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i < text.length) throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  return rows;
}
