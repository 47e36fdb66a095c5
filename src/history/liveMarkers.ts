// Marker files of long-running nbv processes (`nbv run`, `nbv watch`) in the store folder, so
// that other nbv processes know they are there: `status` says a watch is running, and a watch
// leaves a workflow alone while a run of it is in progress (the run records what its runner did,
// as one operation). A marker names its process; one whose process is gone is stale and ignored
// (and removed by whoever finds it), so a crash never leaves a project believing it is watched.
// They are plain files beside the lock; the real git ignores them.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Project } from './project.js';

export interface LiveMarker {
  kind: 'run' | 'watch';
  pid: number;
  hostname: string;
  started: string;
  /** The workflows it acts on (a watch with none named watches every workflow). */
  workflows: string[];
}

const PREFIX = 'nbv-live-';

function markerName(kind: LiveMarker['kind'], pid: number): string {
  return `${PREFIX}${kind}-${pid}.json`;
}

/** Whether a process of this machine is alive (a marker from another host is taken as alive). */
export function processAlive(marker: Pick<LiveMarker, 'pid' | 'hostname'>): boolean {
  if (marker.hostname !== os.hostname()) return true;
  try {
    process.kill(marker.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes this process's marker; the returned function removes it (safe to call twice). */
export async function writeMarker(project: Project, kind: LiveMarker['kind'], workflows: string[]): Promise<() => Promise<void>> {
  const marker: LiveMarker = { kind, pid: process.pid, hostname: os.hostname(), started: new Date().toISOString(), workflows };
  const name = markerName(kind, process.pid);
  await project.store.writeMeta(name, new TextEncoder().encode(JSON.stringify(marker) + '\n'));
  return () => fs.rm(path.join(project.gitdir, name), { force: true });
}

function isMarker(value: unknown): value is LiveMarker {
  const m = value as LiveMarker;
  return (
    typeof m === 'object' && m !== null && (m.kind === 'run' || m.kind === 'watch') && Number.isInteger(m.pid) && m.pid > 0 &&
    typeof m.hostname === 'string' && typeof m.started === 'string' && Array.isArray(m.workflows) && m.workflows.every((w) => typeof w === 'string')
  );
}

/** The markers of live processes; stale ones are removed on the way. A damaged file is skipped. */
export async function liveMarkers(project: Project, kind?: LiveMarker['kind']): Promise<LiveMarker[]> {
  let names: string[];
  try {
    names = await fs.readdir(project.gitdir);
  } catch {
    return [];
  }
  const out: LiveMarker[] = [];
  for (const name of names) {
    if (!name.startsWith(PREFIX) || !name.endsWith('.json')) continue;
    let value: unknown;
    try {
      value = JSON.parse(await fs.readFile(path.join(project.gitdir, name), 'utf8'));
    } catch {
      continue;
    }
    if (!isMarker(value) || name !== markerName(value.kind, value.pid)) continue;
    if (!processAlive(value)) {
      await fs.rm(path.join(project.gitdir, name), { force: true }).catch(() => undefined);
      continue;
    }
    if (kind === undefined || value.kind === kind) out.push(value);
  }
  return out;
}

/** A file in the store folder for the plan handed to a runner (removed when the run ends). */
export function planFilePath(project: Project, workflow: string): string {
  const tag = createHash('sha1').update(workflow, 'utf8').digest('hex').slice(0, 12);
  return path.join(project.gitdir, `nbv-run-plan-${tag}-${process.pid}.json`);
}
