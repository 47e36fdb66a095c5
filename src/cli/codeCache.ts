// Starts the bundled CLI (dist/cli/nbv.cjs) with V8's code cache. Without it every `nbv` run
// parses and compiles the whole 1 MB bundle again before doing any work, which was the largest
// single cost of a read command (docs/performance.md). Node 22 can do this itself
// (module.enableCompileCache); Node 20, which nbv supports, cannot for any module, so this file
// compiles the bundle through vm.Script with the cached data of an earlier run.
//
// The cache is code V8 runs, so it is only ever read from a folder of the user's own that no one
// else can write (never a shared temp folder), from a file owned by the user and reached without
// following a symlink. V8 itself rejects data made for another source, V8 version or flag set.
// Turn it off with NBV_CODE_CACHE=0.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** The user's own cache folder for nbv, or null when there is none to trust: never os.tmpdir(),
 * which other users can write, since what is read here is run. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.NBV_CODE_CACHE === '0') return null;
  const home = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : env.HOME ? path.join(env.HOME, '.cache') : null;
  return home === null ? null : path.join(home, 'nbv');
}

const sha1 = (text: string, length: number) => createHash('sha1').update(text).digest('hex').slice(0, length);

/** One file per installed bundle (its path) and build of it (size, time, V8, architecture): a
 * rebuilt bundle never meets its old data, and two installs (a global one and a project's) keep
 * a cache each instead of replacing each other's on every run. */
export function codeCacheFile(dir: string, bundle: string, stat: fs.Stats): string {
  const install = sha1(path.resolve(bundle), 12);
  const build = sha1(`${stat.size}\0${stat.mtimeMs}\0${process.versions.v8}\0${process.arch}`, 16);
  return path.join(dir, `code-${install}-${build}.bin`);
}

const ownedByMe = (stat: fs.Stats) => typeof process.getuid !== 'function' || stat.uid === process.getuid();

/** A folder that is the user's alone, or none yet (it is made so); else the cache is not used at
 * all, rather than written on every run and never read. */
function trustedOrAbsent(dir: string): boolean {
  try {
    const stat = fs.lstatSync(dir);
    return stat.isDirectory() && ownedByMe(stat) && (stat.mode & 0o022) === 0;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** What a cache file holds: V8's data, and the commands whose runs compiled it. */
export interface CodeCache {
  commands: Set<string>;
  data: Buffer;
}

// The file: one header line naming the commands, then V8's data. A run of a command the cache has
// not seen writes it again at exit, since V8 compiles functions when they first run: data written
// by `nbv --version` alone leaves `status` compiling most of what it runs (35 ms on 1 MB).
const HEADER = 'nbv-code-cache/1 ';
const MAX_COMMANDS = 64;

/** The command a run names: its first plain word, the value of --author aside; `-` for none. */
export function commandOf(args: string[]): string {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--author') i++;
    else if (/^[a-z][a-z-]{0,23}$/.test(args[i]!)) return args[i]!;
    else if (!args[i]!.startsWith('-')) return '-';
  }
  return '-';
}

/** The cache, when the file and its folder are the user's alone and the file is whole; else nothing. */
export function readCodeCache(file: string): CodeCache | undefined {
  try {
    if (!trustedOrAbsent(path.dirname(file))) return undefined;
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    let bytes: Buffer;
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile() || !ownedByMe(stat) || (stat.mode & 0o022) !== 0) return undefined;
      bytes = fs.readFileSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    const end = bytes.indexOf(0x0a);
    if (end < 0 || bytes.subarray(0, HEADER.length).toString('latin1') !== HEADER) return undefined;
    const names = bytes.subarray(HEADER.length, end).toString('latin1');
    return { commands: new Set(names === '' ? [] : names.split(',')), data: bytes.subarray(end + 1) };
  } catch {
    return undefined;
  }
}

/** Writes the cache whole (a temp file renamed over), and removes what earlier builds of the same
 * install left. Never fails the command: a cache that cannot be written is not there next time. */
export function writeCodeCache(file: string, cache: CodeCache): void {
  try {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    const header = Buffer.from(`${HEADER}${[...cache.commands].slice(0, MAX_COMMANDS).join(',')}\n`, 'latin1');
    fs.writeFileSync(temp, Buffer.concat([header, cache.data]), { mode: 0o600, flag: 'wx' });
    fs.renameSync(temp, file);
    // Earlier builds of the same install.
    const install = path.basename(file).split('-').slice(0, 2).join('-') + '-';
    for (const name of fs.readdirSync(dir)) {
      const old = path.join(dir, name);
      if (name.startsWith(install) && old !== file && !name.endsWith('.tmp')) fs.rmSync(old, { force: true });
    }
  } catch {
    // best effort
  }
}

/** Runs a CommonJS bundle as `require` would, compiled with the code cache when there is one. */
export function runBundle(bundle: string, args: string[] = process.argv.slice(2)): void {
  const source = fs.readFileSync(bundle, 'utf8');
  const dir = codeCacheDir();
  const file = dir === null ? null : codeCacheFile(dir, bundle, fs.statSync(bundle));
  const usable = file !== null && trustedOrAbsent(path.dirname(file));
  const cached = usable ? readCodeCache(file) : undefined;
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: bundle, ...(cached ? { cachedData: cached.data } : {}) });
  const command = commandOf(args);
  const accepted = cached !== undefined && !script.cachedDataRejected;
  if (usable && (!accepted || (!cached.commands.has(command) && cached.commands.size < MAX_COMMANDS))) {
    // At exit, so that the data holds the functions this run compiled, not just the top level;
    // data V8 accepted was compiled into this run too, so what earlier commands needed stays.
    const commands = new Set(accepted ? [...cached.commands, command] : [command]);
    process.once('exit', () => writeCodeCache(file, { commands, data: script.createCachedData() }));
  }
  const module = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
}
