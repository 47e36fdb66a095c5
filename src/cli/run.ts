// How every command ends: JSON or text on stdout, one clear line on stderr for an error, and the
// contract's exit statuses (0 ok, 1 failed check, 2 bad usage or input). No stack traces.
import { formatError, isNbvError } from '../errors.js';
import { openProject, type OperationContext, type Project } from '../history/project.js';

export interface GlobalOptions {
  author?: string;
}

export function contextFrom(options: GlobalOptions): OperationContext {
  return { ...(options.author === undefined ? {} : { author: options.author }), env: process.env, argv: process.argv.slice(2) };
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printLines(lines: Array<string | null | undefined | false>): void {
  const text = lines.filter((l): l is string => typeof l === 'string').join('\n');
  if (text) process.stdout.write(text + '\n');
}

export function fail(err: unknown): never {
  if (isNbvError(err)) {
    process.stderr.write(`nbv: ${formatError(err)}\n`);
    process.exit(err.exitStatus);
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`nbv: unexpected error: ${message}\n`);
  if (process.env['NBV_DEBUG'] && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  process.exit(1);
}

/** Runs a command against the project holding the current folder; `exitStatus` from the action
 * (a failed check) is honoured after output is flushed. */
export async function withProject(global: GlobalOptions, action: (project: Project) => Promise<number | void>): Promise<void> {
  try {
    const project = await openProject(process.cwd(), contextFrom(global));
    const code = await action(project);
    if (typeof code === 'number' && code !== 0) process.exitCode = code;
  } catch (err) {
    fail(err);
  }
}
