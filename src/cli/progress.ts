// Progress of long transfers, on stderr and only when stderr is a terminal: a script that reads
// stdout (or --json) never sees it, and a log file does not fill with carriage returns.
import type { TransferProgress } from '../store/index.js';

export function progressReporter(): ((p: TransferProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 100 && p.loaded !== p.total) return;
    last = now;
    const share = p.total ? ` ${Math.floor((100 * p.loaded) / p.total)}% (${p.loaded}/${p.total})` : ` ${p.loaded}`;
    process.stderr.write(`\r${p.phase}:${share}\x1b[K${p.total !== undefined && p.loaded >= p.total ? '\n' : ''}`);
  };
}
