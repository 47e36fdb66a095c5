// What a terminal gets that a pipe does not: colour (unless NO_COLOR or --no-color) and a pager
// for output longer than the screen (NBV_PAGER, else PAGER, else `less -FRX`, as git does).
import { spawnSync } from 'node:child_process';

export function colourWanted(flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '') return false;
  return process.stdout.isTTY === true && process.env['TERM'] !== 'dumb';
}

const CODES = { red: 31, green: 32, yellow: 33, cyan: 36, bold: 1, dim: 2 } as const;
export type Paint = (colour: keyof typeof CODES, text: string) => string;

export function painter(enabled: boolean): Paint {
  return enabled ? (colour, text) => `\x1b[${CODES[colour]}m${text}\x1b[0m` : (_colour, text) => text;
}

/** Writes the lines, through a pager when stdout is a terminal they do not fit on. */
export function printPaged(lines: string[]): void {
  const text = lines.join('\n') + '\n';
  const rows = process.stdout.rows ?? 24;
  const pager = process.env['NBV_PAGER'] ?? process.env['PAGER'] ?? 'less -FRX';
  if (!process.stdout.isTTY || lines.length < rows - 1 || pager === '' || pager === 'cat') {
    process.stdout.write(text);
    return;
  }
  const result = spawnSync(pager, { shell: true, input: text, stdio: ['pipe', 'inherit', 'inherit'], env: { LESS: 'FRX', ...process.env } });
  if (result.error || result.status === 127) process.stdout.write(text);
}
