// `npm run demo`: the main job on the bundled sample project, in a temporary folder, through the
// real binary, printing what a user would see. The folder is left behind to be explored.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'nbv.js');
const WORKING = 'XYZG3-V0-3.nbflow';
if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
  console.error('nbv is not built: run `npm ci` (or `npm run build`) first');
  process.exit(1);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nbv-demo-'));
fs.cpSync(path.join(root, 'fixtures', 'sample'), dir, { recursive: true });
const env = { ...process.env, NBV_AUTHOR: process.env['NBV_AUTHOR'] ?? 'Demo Creator <creator@example.com>' };

function nbv(args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: dir, env, encoding: 'utf8' });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Prints a step as a user would type and see it; stops the demo if a step fails unexpectedly. */
function step(note: string, args: string[], expectedStatus = 0): void {
  console.log(`\n# ${note}`);
  console.log(`$ nbv ${args.map((a) => (/[\s']/.test(a) ? `"${a}"` : a)).join(' ')}`);
  const result = nbv(args);
  process.stdout.write(result.stdout + result.stderr);
  if (result.status !== expectedStatus) {
    console.error(`demo step failed: exit ${result.status}, expected ${expectedStatus}`);
    process.exit(1);
  }
}

function quietJson<T>(args: string[]): T {
  const result = nbv([...args, '--json']);
  if (result.status !== 0) throw new Error(`nbv ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

function editPrompt(nodeId: string, addition: string): void {
  const file = path.join(dir, WORKING);
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf('"prompt": "', text.indexOf(`"id": "${nodeId}"`)) + '"prompt": "'.length;
  fs.writeFileSync(file, text.slice(0, at) + addition + text.slice(at));
}

console.log(`Demo project: ${dir} (a copy of fixtures/sample: ${WORKING} and a hand-made backups/ folder)`);
const original = fs.readFileSync(path.join(dir, WORKING));

step('create the store', ['init']);
step('start versioning the workflow', ['track', WORKING]);
editPrompt('img-s03', 'Golden hour, low sun behind her. ');
console.log(`\n(edited Scene 03's prompt in ${WORKING} with a text editor)`);
step('where things stand', ['status']);
step('what changed, per node', ['diff']);
step('record it', ['commit', '-m', 'Scene 03: golden hour']);
step('wipe only Scenes 03 and 05: every other cache stays byte for byte', ['wipe', '--scene', '03', '--scene', '05', '-m', 'redo scenes 03 and 05']);
step('a fresh comparison run: wipe everything', ['wipe', '--all', '-m', 'fresh comparison run']);
step('history, newest first', ['log']);
step('what the full wipe did', ['diff', 'HEAD~1', 'HEAD']);

const [lastWipe] = quietJson<Array<{ backups: string[] }>>(['log', '--op', 'wipe', '-n', '1']);
step('changed our mind: restore from the pre-wipe backup (found by its content hash)', ['restore', lastWipe!.backups[0]!]);
const [tracked] = quietJson<Array<{ commit: string }>>(['log', '--op', 'track']);
step('and all the way back to the state we started from', ['restore', tracked!.commit.slice(0, 8)]);
const same = fs.readFileSync(path.join(dir, WORKING)).equals(original);
console.log(`\nByte-exact: ${WORKING} ${same ? 'equals' : 'DIFFERS FROM'} the original, cache and all.`);
step('prove the store is intact', ['verify']);
const viewOk = (JSON.parse(nbv(['backups', 'check', '--json']).stdout) as { ok: boolean }).ok;
step('the backups/ view against history (files it does not know are reported, never deleted)', ['backups', 'check'], viewOk ? 0 : 1);
console.log(`\nThe real git reads the store too:  git --git-dir=${path.join(dir, '.nbv')} log --all --oneline`);
if (!same) process.exit(1);
