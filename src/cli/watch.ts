import type { Command } from 'commander';
import { watch, type WatchRecord } from '../engine/watch.js';
import { short } from './format.js';
import { fail, withProject, type GlobalOptions } from './run.js';

interface WatchFlags {
  debounce?: string;
  json?: boolean;
}

/** One line per recorded save: time, workflow, version, commit, what changed per node. */
function line(r: WatchRecord): string {
  const { op } = r.entry;
  const nodes = r.diff.nodes.map((n) => `${n.node} ${[...new Set(n.changes.map((c) => c.kind))].join('+')}`);
  const what = nodes.length === 0 ? (r.diff.other.length ? `${r.diff.other.length} change(s) outside nodes` : 'formatting only') : nodes.length > 4 ? `${nodes.slice(0, 4).join(', ')} and ${nodes.length - 4} more` : nodes.join(', ');
  return `${new Date().toTimeString().slice(0, 8)} ${r.workflow} ${op.version} ${short(r.entry.commit)} commit: ${what}`;
}

export function registerWatch(program: Command): void {
  program
    .command('watch [workflows...]')
    .description('record every save of the working files as it happens (Ctrl-C stops)')
    .option('--debounce <ms>', 'quiet time after a change before the save is read', '300')
    .option('--json', 'one JSON object per recorded save (JSON lines)')
    .action((workflows: string[], flags: WatchFlags) =>
      withProject(program.opts<GlobalOptions>(), async (project) => {
        const debounceMs = Number(flags.debounce);
        const handle = await watch(project, {
          workflows,
          ...(Number.isFinite(debounceMs) && debounceMs >= 0 ? { debounceMs } : {}),
          onRecord: (r) => {
            const out = flags.json ? JSON.stringify({ workflow: r.workflow, commit: r.entry.commit, version: r.entry.op.version, file: r.entry.op.file, nodes: r.entry.op.nodes }) : line(r);
            process.stdout.write(out + '\n');
          },
          onSkip: (s) => process.stderr.write(`nbv watch: ${s.workflow}: not recorded: ${s.reason}\n`),
        });
        process.stderr.write(`nbv watch: recording every save of ${handle.workflows().join(', ')} (Ctrl-C stops)\n`);
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            handle.stop().then(({ recorded }) => {
              process.stderr.write(`nbv watch: stopped; ${recorded} save${recorded === 1 ? '' : 's'} recorded\n`);
              resolve();
            }, fail);
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
      }),
    );
}
