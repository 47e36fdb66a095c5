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

/** The user's own cache folder for nbv, or null when there is none to trust. */
/** Never os.tmpdir(): other users can write there, and what is read here is run. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.NBV_CODE_CACHE === '0') return null;
  const home = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : env.HOME ? path.join(env.HOME, '.cache') : null;
  return home === null ? null : path.join(home, 'nbv');
}

/** One file per bundle build, V8 version and architecture: a rebuilt bundle never meets its old data. */
export function codeCacheFile(dir: string, bundle: string, stat: fs.Stats): string {
  const build = createHash('sha1').update(`${path.resolve(bundle)}\0${stat.size}\0${stat.mtimeMs}`).digest('hex').slice(0, 16);
  return path.join(dir, `code-${process.versions.v8}-${process.arch}-${build}.bin`);
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

/** The cached data, when the file and its folder are the user's alone; else nothing. */
export function readCodeCache(file: string): Buffer | undefined {
  try {
    if (!trustedOrAbsent(path.dirname(file))) return undefined;
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile() || !ownedByMe(stat) || (stat.mode & 0o022) !== 0) return undefined;
      return fs.readFileSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** Writes the data whole (a temp file renamed over), and removes what earlier builds left. Never
 * fails the command: a cache that cannot be written is simply not there next time. */
export function writeCodeCache(file: string, data: Buffer): void {
  try {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(temp, data, { mode: 0o600, flag: 'wx' });
    fs.renameSync(temp, file);
    for (const name of fs.readdirSync(dir)) {
      const old = path.join(dir, name);
      if (name.startsWith('code-') && old !== file && !name.endsWith('.tmp')) fs.rmSync(old, { force: true });
    }
  } catch {
    // best effort
  }
}

/** Runs a CommonJS bundle as `require` would, compiled with the code cache when there is one. */
export function runBundle(bundle: string): void {
  const source = fs.readFileSync(bundle, 'utf8');
  const dir = codeCacheDir();
  const file = dir === null ? null : codeCacheFile(dir, bundle, fs.statSync(bundle));
  const usable = file !== null && trustedOrAbsent(path.dirname(file));
  const cachedData = usable ? readCodeCache(file) : undefined;
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: bundle, ...(cachedData ? { cachedData } : {}) });
  if (usable && (cachedData === undefined || script.cachedDataRejected)) {
    // At exit, so that the data holds the functions this run compiled, not just the top level.
    process.once('exit', () => writeCodeCache(file, script.createCachedData()));
  }
  const module = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
}
