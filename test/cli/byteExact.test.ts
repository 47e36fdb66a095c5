// Restores are byte-exact for any formatting a user's tools produce. Each formatting variant is
// tracked, edited by a tool that re-serialises it differently, wiped, and restored; the restored
// bytes must equal the original to the last byte.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { git, nbvJson, nbvOk, removeDir, REPO_ROOT, tempDir } from '../helpers/cli.js';

const FORMATS = path.join(REPO_ROOT, 'fixtures', 'formats');
const variants = fs.readdirSync(FORMATS).filter((f) => f.endsWith('.nbflow')).sort();
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

describe('byte-exact restore across formatting variants', () => {
  it('has the variants the issue names', () => {
    for (const name of ['two-space', 'tabs', 'crlf', 'minified', 'unicode', 'no-trailing-newline']) {
      expect(variants).toContain(`${name}.nbflow`);
    }
  });

  it.each(variants)('%s survives edit, wipe and restore byte for byte', (variant) => {
    const dir = tempDir();
    dirs.push(dir);
    const original = fs.readFileSync(path.join(FORMATS, variant));
    const working = path.join(dir, 'FMT-V0-1.nbflow');
    fs.writeFileSync(working, original);
    nbvOk(dir, ['init']);
    nbvOk(dir, ['track', 'FMT-V0-1.nbflow']);

    // Another tool re-serialises the whole file (2-space JSON.stringify) with one prompt changed.
    const doc = JSON.parse(original.toString('utf8'));
    const node = doc.tabs[0].nodes.find((n: { data?: { prompt?: string } }) => typeof n.data?.prompt === 'string');
    node.data.prompt += ' Edited.';
    fs.writeFileSync(working, JSON.stringify(doc, null, 2));
    nbvOk(dir, ['commit', '-m', 'edited by another tool']);
    nbvOk(dir, ['wipe', '--all']);

    nbvOk(dir, ['restore', 'HEAD~2']);
    expect(fs.readFileSync(working).equals(original)).toBe(true);
    // And through the backups/ view: the pre-restore file holds the wiped state, restorable too.
    const log = nbvJson<Array<{ op: string; backups: string[] }>>(dir, ['log']);
    expect(log.map((e) => e.op)).toEqual(['restore', 'wipe', 'commit', 'track']);
    nbvOk(dir, ['verify']);
    expect(git(path.join(dir, '.nbv'), ['fsck', '--strict']).status).toBe(0);
  });

  it('a wipe changes only the cache values: every byte outside them is as it was', () => {
    const dir = tempDir();
    dirs.push(dir);
    const original = fs.readFileSync(path.join(FORMATS, 'unicode.nbflow'));
    fs.writeFileSync(path.join(dir, 'FMT-V0-1.nbflow'), original);
    nbvOk(dir, ['init']);
    nbvOk(dir, ['track', 'FMT-V0-1.nbflow']);
    nbvOk(dir, ['wipe', '--all']);
    const wiped = fs.readFileSync(path.join(dir, 'FMT-V0-1.nbflow'), 'utf8');
    // Cutting every cache array out of both texts must leave identical text.
    const strip = (text: string) => text.replace(/("_saved(?:Images|Clips)"\s*:\s*)\[[^\]]*(?:\[[^\]]*\][^\]]*)*\]/g, '$1[]');
    expect(strip(wiped)).toBe(strip(original.toString('utf8')));
    expect(wiped).not.toBe(original.toString('utf8'));
    expect(wiped).toContain('9007199254740993');
  });
});
