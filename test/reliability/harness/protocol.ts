// What the driver (child) and the harnesses (parent) agree on: the driver's configuration, the
// lines of its acknowledgement log, and the editor's text edits.

export type OpKind = 'edit' | 'commit' | 'wipe' | 'bump' | 'restore' | 'undo';

/** Where the fault hook in src/engine/journal.ts (NBV_CRASH_AT) can kill an operation. */
export const CRASH_POINTS = ['before-journal', 'before-ref', 'after-ref', 'after-files'] as const;

export interface DriverConfig {
  root: string;
  workflow: string;
  ack: string;
  seed: number;
  ops: number;
  /** solo: every kind of step; editor: edits and commits only; worker: nbv operations only. */
  role: 'solo' | 'editor' | 'worker';
  lockWaitMs: number;
  /** Chance that a step runs with NBV_CRASH_AT set to a random point. */
  crashChance: number;
}

export type AckLine =
  | { t: 'ready'; pid: number }
  | { t: 'start'; i: number; op: OpKind; crashAt?: string }
  /** Written BEFORE the edited bytes reach the disk. */
  | { t: 'edit'; i: number; path: string; blob: string; /** saved under a name a bump retired */ retired?: boolean }
  /** Written after the operation returned: its commits must never be lost. */
  | { t: 'ack'; i: number; op: OpKind; commits: string[]; head: string; file: string; working: string | null }
  /** A refusal may still have recorded unsaved edits first, so it reports where the head is. */
  | { t: 'refused'; i: number; op: OpKind; code: string; message: string; head: string; file: string; working: string | null }
  | { t: 'fail'; i: number; op: OpKind; code: string; message: string };

/** Parses an acknowledgement log; a torn last line (there should be none) is ignored. */
export function parseAckLog(text: string): AckLine[] {
  const lines: AckLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    try {
      lines.push(JSON.parse(raw) as AckLine);
    } catch {
      // only a line cut by the kill can fail to parse, and it is the last one
    }
  }
  return lines;
}

const REGEN_BASE = 'https://pub-19351462f1158d4ab7940a2eb604e207.r2.dev/out/XYZG3/regen';

/**
 * A user's edit of the text: either a prompt gets a few more words, or an empty cache array is
 * filled again (a re-run), so that later wipes have something to wipe.
 */
export function editWorkflowText(text: string, roll: number, tag: number): string {
  const empties = [...text.matchAll(/"(_savedImages|_savedClips)": \[\]/g)];
  if (roll < 0.5 && empties.length > 0) {
    const hit = empties[Math.floor(roll * 2 * empties.length)]!;
    const filled = `"${hit[1]}": ["${REGEN_BASE}-${tag}-${Math.floor(roll * 1e9)}.png"]`;
    return text.slice(0, hit.index) + filled + text.slice(hit.index! + hit[0].length);
  }
  const prompts = [...text.matchAll(/"prompt": "/g)];
  if (prompts.length === 0) return text + ' ';
  const hit = prompts[Math.floor(roll * prompts.length)]!;
  const at = hit.index! + hit[0].length;
  return `${text.slice(0, at)}take ${tag}.${Math.floor(roll * 1e6)}: ${text.slice(at)}`;
}
