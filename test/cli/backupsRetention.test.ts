// Issue 15 item 10 through the binary: backups/ bounded by a retention rule in the config, every
// dropped copy brought back byte-exact by `backups sync --all`, and hand-made copies taken in by
// `backups adopt` so that `backups check` passes again.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFixture, git, nbv, nbvJson, nbvOk, removeDir } from '../helpers/cli.js';

const V3 = 'XYZG3-V0-3.nbflow';
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function sample(): string {
  const dir = copyFixture();
  dirs.push(dir);
  nbvOk(dir, ['init']);
  nbvOk(dir, ['track', V3, '--no-history']);
  return dir;
}

const backups = (dir: string) => fs.readdirSync(path.join(dir, 'backups')).filter((n) => !n.startsWith('.')).sort();
const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file));
const headOf = (dir: string) => git(path.join(dir, '.nbv'), ['rev-parse', 'refs/heads/XYZG3']).stdout.trim();
function keep(dir: string, rule: unknown): void {
  const file = path.join(dir, '.nbv', 'nbv-config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(file, JSON.stringify({ ...config, backups: { keep: rule } }, null, 2));
}
function checkAndVerify(dir: string): void {
  expect(nbv(dir, ['verify']).status).toBe(0);
  expect(git(path.join(dir, '.nbv'), ['fsck', '--strict']).status).toBe(0);
}

describe('issue 15.10: a retention rule for backups/, sync --all, adopt', () => {
  it('keeps backups/ bounded over many operations and brings any dropped copy back byte-exact', () => {
    const dir = sample();
    const hand = backups(dir); // the hand-kept files of the sample: unknown to history
    for (let round = 0; round < 5; round++) {
      nbvOk(dir, ['bump']);
      nbvOk(dir, ['wipe', '--all']);
      nbvOk(dir, ['restore', 'HEAD~1']);
    }
    const everything = backups(dir).filter((n) => !hand.includes(n));
    expect(everything.length).toBe(5 + 10); // V0-3..V0-7's superseded copies, a wipe and a restore backup per round
    const dropped = 'backups/XYZG3-V0-4.nbflow';
    const droppedBytes = read(dir, dropped);

    keep(dir, { superseded: 2, preChange: 3 });
    const checked = nbv(dir, ['backups', 'check', '--json']);
    expect(checked.status).toBe(1); // the sample's hand-kept copies are still unknown
    const check = JSON.parse(checked.stdout) as { missing: unknown[]; beyond: Array<{ path: string }>; unknown: string[] };
    expect(check.unknown.length).toBe(hand.length);
    expect(check.missing).toEqual([]);
    expect(check.beyond.length).toBe(everything.length - 5);
    const sync = nbvOk(dir, ['backups', 'sync']);
    expect(sync).toContain(`${everything.length - 5} beyond the retention rule removed (still in history; 'nbv backups sync --all' brings them back)`);
    const kept = backups(dir).filter((n) => !hand.includes(n));
    expect(kept).toEqual([
      'XYZG3-V0-6.nbflow',
      'XYZG3-V0-7.nbflow',
      'XYZG3-V0-7.nbflow.bak-2026-05-12-pre-restore',
      'XYZG3-V0-8.nbflow.bak-2026-05-12-pre-cache-wipe',
      'XYZG3-V0-8.nbflow.bak-2026-05-12-pre-restore',
    ]);
    expect(fs.existsSync(path.join(dir, dropped))).toBe(false);
    // Still named by its path: the view says which state it holds.
    expect(nbvOk(dir, ['show', dropped])).toMatch(/^version: V0-4 /m);
    expect(nbv(dir, ['show', 'backups/XYZG3-V0-99.nbflow']).status).toBe(2);
    // A second sync has nothing left to do: the rule is stable.
    expect(nbvOk(dir, ['backups', 'sync'])).toMatch(/^0 file\(s\) written, 5 already right\n/);

    expect(nbvOk(dir, ['backups', 'sync', '--all'])).toContain(`wrote    ${dropped}`);
    expect(read(dir, dropped).equals(droppedBytes)).toBe(true);
    expect(backups(dir).filter((n) => !hand.includes(n))).toEqual(everything);

    // A dropped copy the user edited is never removed blind: its bytes are kept first.
    const edited = Buffer.concat([droppedBytes, Buffer.from('\n')]);
    fs.writeFileSync(path.join(dir, dropped), edited);
    expect(nbv(dir, ['backups', 'check']).stdout).toContain(`altered  ${dropped} (beyond the retention rule)`);
    const result = nbvJson<{ displaced: Array<{ path: string; keptAt: string }>; removed: string[] }>(dir, ['backups', 'sync']);
    expect(result.removed).toContain(dropped);
    expect(result.displaced.map((d) => d.path)).toEqual([dropped]);
    expect(fs.readFileSync(result.displaced[0]!.keptAt).equals(edited)).toBe(true);
    checkAndVerify(dir);
  });

  it('adopts hand-made copies so that backups check passes, without touching the working file', () => {
    const dir = sample();
    const working = read(dir, V3);
    const hand = backups(dir).filter((n) => n !== V3);
    expect(hand.length).toBeGreaterThan(0);
    const copy = `backups/XYZG3-V0-3 copy.nbflow`;
    fs.copyFileSync(path.join(dir, V3), path.join(dir, copy));
    const before = nbv(dir, ['backups', 'check']);
    expect(before.status).toBe(1);
    expect(before.stdout).toContain(`unknown  ${copy}`);

    for (const name of [...hand.map((n) => `backups/${n}`), copy]) {
      expect(nbvOk(dir, ['backups', 'adopt', name])).toMatch(new RegExp(`^adopted ${name.replace(/[.()]/g, '\\$&')} into XYZG3's history \\([0-9a-f]{7}\\); the working file is untouched\\n$`));
    }
    expect(nbvOk(dir, ['backups', 'adopt', copy])).toContain('is already in the view');
    const after = nbv(dir, ['backups', 'check']);
    expect(after.stdout).toMatch(/^OK: /);
    expect(after.status).toBe(0);
    expect(read(dir, V3).equals(working)).toBe(true);
    expect(nbvOk(dir, ['status'])).toMatch(/clean/);

    // Adopted copies are the user's choice: a retention rule keeps them.
    keep(dir, { superseded: 0, preChange: 0 });
    nbvOk(dir, ['backups', 'sync']);
    expect(backups(dir)).toEqual([...hand, 'XYZG3-V0-3 copy.nbflow'].sort());

    // Refused, one line naming the file, exit 2, nothing recorded.
    const head = headOf(dir);
    fs.symlinkSync(V3, path.join(dir, 'backups', 'XYZG3-V0-3 link.nbflow'));
    fs.writeFileSync(path.join(dir, 'backups', 'XYZG3-V0-9.nbflow'), '{"not": "a workflow"}');
    fs.copyFileSync(path.join(dir, V3), path.join(dir, 'backups', 'OTHER-V0-1.nbflow'));
    for (const [file, why] of [
      [V3, 'not in a backups/ folder'],
      ['backups/XYZG3-V0-3 link.nbflow', 'it is a symlink'],
      ['backups/XYZG3-V0-9.nbflow', 'not an .nbflow document'],
      ['backups/OTHER-V0-1.nbflow', 'its name belongs to no tracked workflow'],
    ] as const) {
      const refused = nbv(dir, ['backups', 'adopt', file]);
      expect(refused.status).toBe(2);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(refused.stderr).toContain(`${file}: cannot adopt: ${why}`);
    }
    expect(headOf(dir)).toBe(head);
    expect(read(dir, V3).equals(working)).toBe(true);
    checkAndVerify(dir);
  });
});
