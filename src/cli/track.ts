import { InvalidArgumentError, type Command } from 'commander';
import { DATE_SOURCES, type DateSource } from '../backups/legacyDates.js';
import { track, trackAll, type TrackResult } from '../engine/track.js';
import type { ImportProgress } from '../history/importLegacy.js';
import { EXIT_BAD_INPUT, NbvError } from '../errors.js';
import { short } from './format.js';
import { printJson, printLines, withProject, type GlobalOptions } from './run.js';

function dateSource(value: string): DateSource {
  if (!(DATE_SOURCES as readonly string[]).includes(value)) throw new InvalidArgumentError(`'${value}' is not auto, mtime or content`);
  return value as DateSource;
}

/** Below this many states the import is over before a bar would be read. */
const PROGRESS_MIN_STATES = 5;

/** One line of the progress bar, at most `columns` wide. */
export function progressLine({ done, total, path }: ImportProgress, columns: number): string {
  const width = 24;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const head = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} `;
  const room = Math.max(0, columns - head.length - 1);
  const name = path.length <= room ? path : `…${path.slice(path.length - room + 1)}`;
  return (head + (room > 0 ? name : '')).slice(0, Math.max(0, columns - 1));
}

function progressBar(enabled: boolean): ((p: ImportProgress) => void) | undefined {
  if (!enabled) return undefined;
  let shown = false;
  return (p) => {
    if (p.total < PROGRESS_MIN_STATES) return;
    const columns = process.stderr.columns || 80;
    if (p.done >= p.total) {
      if (shown) process.stderr.write('\r\x1b[K');
      return;
    }
    process.stderr.write(`\r${progressLine(p, columns)}\x1b[K`);
    shown = true;
  };
}

/** "XYZG3: 7 states from 6 files, V0-1 .. V0-3" */
export function summaryLine(result: TrackResult): string {
  const states = result.created ? result.states : 0;
  const range = result.versions.first === result.versions.last ? result.versions.first : `${result.versions.first} .. ${result.versions.last}`;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${result.workflow}: ${plural(states, 'state')} from ${plural(result.files, 'file')}, ${range}`;
}

function jsonOf(result: TrackResult): unknown {
  return { ...result, entry: undefined, commit: result.entry.commit, summary: summaryLine(result) };
}

function describe(result: TrackResult, all = false): string[] {
  const lines = [
    result.created
      ? `Tracking ${result.workflow} ${result.version} from ${result.file} (commit ${short(result.entry.commit)})`
      : `${result.workflow} is already tracked with these bytes (commit ${short(result.entry.commit)}); nothing to do`,
  ];
  if (result.created && result.imported.length > 0) {
    for (const state of result.imported) {
      lines.push(`  ${short(state.commit)} ${state.date.slice(0, 10)} ${state.version.padEnd(5)} ${state.inferred.padEnd(8)} ${state.paths.join(', ')}`);
    }
    lines.push(`  ${short(result.entry.commit)} ${'now'.padEnd(10)} ${result.version.padEnd(5)} ${(result.inferred ?? 'track').padEnd(8)} ${result.file}`);
  }
  if (result.created) lines.push(summaryLine(result));
  if (result.datesWarning) {
    lines.push(`warning: the files' modification times look reset (${result.datesWarning}): dates come from backup names and the documents; 'nbv track --dates mtime' trusts the file times`);
  }
  for (const skipped of result.skipped) lines.push(`skipped ${skipped.path}: ${skipped.reason}`);
  if (result.otherWorkflows.length > 0 && !all) {
    lines.push(`also in this folder: ${result.otherWorkflows.join(', ')} ('nbv track FILE' takes in each one)`);
  }
  return lines;
}

export function registerTrack(program: Command): void {
  program
    .command('track [file]')
    .description('start versioning a workflow file, taking in its hand-made backups/ history')
    .addHelpText('after', `\nExamples:\n  $ nbv track XYZG3-V0-3.nbflow\n  $ nbv track --all\n  $ nbv track --unversioned "My Workflow.nbflow"\n`)
    .option('-m, --message <msg>', 'message of the commit of the working file')
    .option('--no-history', 'record only the working file; leave backups/ and copies out of history')
    .option('--all', 'track every workflow whose working file is in the current folder')
    .option('--unversioned', 'track a file named without a version (NAME.nbflow) as NAME V0-1')
    .option('--dates <source>', 'dates of imported states: auto (file times unless a copy reset them), mtime, or content (backup names and the document)', dateSource)
    .option('--json', 'print JSON')
    .action((file: string | undefined, opts: { message?: string; history: boolean; all?: boolean; unversioned?: boolean; dates?: DateSource; json?: boolean }) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        if ((file === undefined) === !opts.all) {
          throw new NbvError('BAD_USAGE', file === undefined ? 'name the working file to track, or give --all' : 'give a file or --all, not both');
        }
        const onProgress = progressBar(process.stderr.isTTY === true && !opts.json);
        const common = { history: opts.history, ...(onProgress ? { onProgress } : {}), ...(opts.dates ? { dates: opts.dates } : {}) };
        if (opts.all) {
          const all = await trackAll(project, { dir: process.cwd(), ...common });
          if (opts.json) printJson({ tracked: all.tracked.map(jsonOf), failed: all.failed });
          else printLines([...all.tracked.flatMap((r) => describe(r, true)), ...all.failed.map((f) => `not tracked ${f.file}: ${f.message}`)]);
          return all.failed.length > 0 ? EXIT_BAD_INPUT : 0;
        }
        const result = await track(project, { file: file!, ...common, ...(opts.unversioned ? { unversioned: true } : {}), ...(opts.message === undefined ? {} : { message: opts.message }) });
        if (opts.json) return printJson(jsonOf(result));
        printLines(describe(result));
      }),
    );
}
