import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { NbvError } from '../errors.js';
import { startUiServer } from '../ui/server.js';
import { contextFrom, fail, printLines, type GlobalOptions } from './run.js';

interface UiFlags {
  port?: string;
  host?: string;
  open?: boolean;
}

/** Opens the address in the default browser when the system has a way to; never fails. */
function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no opener: the printed address is enough
  }
}

export function registerUi(program: Command): void {
  program
    .command('ui')
    .description('the history browser: a local web page of every state, its images and its diffs')
    .option('--port <n>', 'port to listen on (default: any free port)')
    .option('--host <addr>', 'address to listen on (default 127.0.0.1; anything else exposes your history)')
    .option('--no-open', 'do not open the browser')
    .action(async (flags: UiFlags) => {
      try {
        if (flags.port !== undefined && !/^\d{1,5}$/.test(flags.port)) throw new NbvError('BAD_USAGE', `--port '${flags.port}' is not a port number`);
        const server = await startUiServer({
          cwd: process.cwd(),
          context: { ...contextFrom(program.opts<GlobalOptions>()), argv: ['ui'] },
          ...(flags.port === undefined ? {} : { port: Number(flags.port) }),
          ...(flags.host === undefined ? {} : { host: flags.host }),
        });
        printLines([
          `nbv ui: the history of ${server.root}`,
          `  ${server.url}`,
          flags.host && flags.host !== '127.0.0.1' ? `Listening on ${flags.host}: anyone who can reach it and has the address can see and change this history.` : null,
          'Ctrl-C stops it.',
        ]);
        if (flags.open !== false) openBrowser(server.url);
        const stop = () => void server.close().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      } catch (err) {
        fail(err);
      }
    });
}
