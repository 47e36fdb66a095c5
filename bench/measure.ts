// Timing and size helpers for the benchmark: wall time by process.hrtime, medians over
// repetitions, store sizes by walking the tree (apparent bytes and disk blocks, like `du`).
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Milliseconds since `start` (a process.hrtime.bigint() reading). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Median wall time in ms of `reps` runs of `fn`; `prepare` runs untimed before each. */
export async function timeMedian(reps: number, fn: (i: number) => unknown, prepare?: (i: number) => unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    await prepare?.(i);
    const start = process.hrtime.bigint();
    await fn(i);
    samples.push(msSince(start));
  }
  return median(samples);
}

/** Runs a command and throws with its stderr when it fails. */
export function run(cmd: string, args: string[], options: SpawnSyncOptions = {}): Buffer {
  const result = spawnSync(cmd, args, { maxBuffer: 1 << 30, ...options });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${result.status}: ${String(result.stderr ?? '').slice(0, 500)}`);
  }
  return result.stdout as Buffer;
}

export interface DirSize {
  /** Sum of file sizes. */
  bytes: number;
  /** What the disk holds (512-byte blocks), as `du` reports: small loose objects cost a block each. */
  disk: number;
  files: number;
}

export function dirSize(dir: string, skip: (name: string) => boolean = () => false): DirSize {
  const total: DirSize = { bytes: 0, disk: 0, files: 0 };
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      if (skip(entry.name)) continue;
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) {
        const st = fs.statSync(p);
        total.bytes += st.size;
        total.disk += st.blocks * 512;
        total.files += 1;
      }
    }
  };
  walk(dir);
  return total;
}

export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(0)} KB`;
  return `${n} B`;
}
