// The drivers git runs for .nbflow files: `git-diff` (diff.nbflow.command, GIT_EXTERNAL_DIFF's
// seven arguments) and `git-textconv` (diff.nbflow.textconv, for `git log -p` and `git show`).
import type { Command } from 'commander';
import { gitDiff, gitTextconv } from '../engine/gitDriver.js';
import { formatError, isNbvError } from '../errors.js';
import { formatWordDiff, wordDiff } from '../nbflow/wordDiff.js';
import { describeEdgeChange } from '../nbflow/edgeDiff.js';
import { describeNode } from './format.js';
import { fail, printLines } from './run.js';

/** Unchanged words kept on each side of a prompt change. */
const PROMPT_CONTEXT = 60;

export function registerGitDiff(program: Command): void {
  program
    .command('git-diff <path> [old-file] [old-hex] [old-mode] [new-file] [new-hex] [new-mode]')
    .description("git's diff driver for .nbflow files (set up by 'nbv git-setup')")
    .action(async (file: string, oldFile: string | undefined, _oldHex: string, _oldMode: string, newFile: string | undefined) => {
      // git passes the path alone for an unmerged path (during a merge that stopped on conflicts).
      if (oldFile === undefined || newFile === undefined) return printLines([`* Unmerged path ${file}`]);
      try {
        const result = await gitDiff({ path: file, oldFile, newFile, cwd: process.cwd() });
        const lines = [`diff --nbflow a/${file} b/${file}${result.status === 'modified' ? '' : ` (${result.status})`}`];
        for (const node of result.diff.nodes) {
          lines.push(describeNode(node));
          for (const change of node.changes) {
            if (change.kind === 'prompt-edited' && typeof change.before === 'string' && typeof change.after === 'string') {
              lines.push(`      ${change.field}: ${formatWordDiff(wordDiff(change.before, change.after), PROMPT_CONTEXT)}`);
            }
          }
        }
        for (const edge of result.edges) lines.push(`  ${edge.change === 'added' ? '+' : edge.change === 'removed' ? '-' : '~'} edge ${describeEdgeChange(edge)} (${edge.tab})`);
        const other = result.diff.other.filter((pointer) => !/^\/tabs\/\d+\/edges$/.test(pointer));
        if (other.length) lines.push(`  ~ outside nodes: ${other.join(', ')}`);
        if (lines.length === 1) lines.push('  no differences in content (formatting only)');
        printLines(lines);
      } catch (err) {
        // git stops the whole diff when a driver fails; a side that is not an .nbflow is said and skipped.
        if (!isNbvError(err)) fail(err);
        printLines([`diff --nbflow a/${file} b/${file}`, `  cannot show a node diff: ${formatError(err)}`]);
      }
    });
}

export function registerGitTextconv(program: Command): void {
  program
    .command('git-textconv <file>')
    .description("git's textconv for .nbflow files: the document as a per-node outline")
    .action(async (file: string) => {
      try {
        process.stdout.write(await gitTextconv(file, process.cwd()));
      } catch (err) {
        fail(err);
      }
    });
}
