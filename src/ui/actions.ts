// The page's actions: the same engine functions the CLI calls, one per button, each recorded as
// an operation with its author (the `nbv ui` process's author: --author, NBV_AUTHOR, git config
// or the OS user) and, in its intent, the command line it stands for (`ui restore V0-2 --scene 5`).
import { NbvError } from '../errors.js';
import { bump, restore, undo, wipe, type OperationContext, type Project } from '../engine/index.js';
import { checkStateRef } from './refs.js';

export type OpenProject = (context: OperationContext) => Promise<Project>;

export interface ActionResult {
  action: string;
  workflow: string;
  recorded: boolean;
  /** The commit the action recorded (null when there was nothing to do). */
  commit: string | null;
  /** Unsaved edits recorded first, so that nothing is lost. */
  savedCommit: string | null;
  backup: string | null;
  summary: string;
}

const SCENE = /^\d{1,4}$/;
const NODE_ID = /^[^\u0000-\u001f]{1,200}$/;

function list(value: unknown, what: string, pattern: RegExp): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 500 || !value.every((v) => typeof v === 'string' && pattern.test(v))) {
    throw new NbvError('BAD_USAGE', `${what} must be a list of ${what === 'scenes' ? 'scene numbers' : 'node ids'}`);
  }
  return value as string[];
}

function message(body: Record<string, unknown>): { message?: string } {
  const m = body['message'];
  if (m === undefined || m === '') return {};
  if (typeof m !== 'string' || m.length > 2000) throw new NbvError('BAD_USAGE', 'message must be text (2000 characters at most)');
  return { message: m };
}

const short = (commit: string | null | undefined) => (commit ? commit.slice(0, 7) : '');

export async function runAction(open: OpenProject, context: OperationContext, workflow: string, action: string, body: Record<string, unknown>): Promise<ActionResult> {
  const withArgv = ([command, ...rest]: string[]) => open({ ...context, argv: ['ui', command!, workflow, ...rest] });
  switch (action) {
    case 'restore': {
      const ref = checkStateRef(body['ref']);
      const nodes = list(body['nodes'], 'nodes', NODE_ID);
      const scenes = list(body['scenes'], 'scenes', SCENE);
      const flags = [...nodes.flatMap((n) => ['--node', n]), ...scenes.flatMap((s) => ['--scene', s])];
      const project = await withArgv(['restore', ref, ...flags]);
      const selector = nodes.length || scenes.length ? { selector: { ...(nodes.length ? { nodes } : {}), ...(scenes.length ? { scenes } : {}) } } : {};
      const result = await restore(project, { workflow, ref, ...selector, ...message(body) });
      const commit = result.entry?.commit ?? null;
      const summary = !result.recorded
        ? `Nothing to restore: ${result.reason}.`
        : result.nodes.length
          ? `Restored the cache of ${result.nodes.join(', ')} from ${ref} (commit ${short(commit)}).`
          : `Restored ${result.entry!.op.file} to ${ref}, byte for byte (commit ${short(commit)}).`;
      return { action, workflow, recorded: result.recorded, commit, savedCommit: result.savedCommit, backup: result.backup, summary };
    }
    case 'wipe': {
      const scenes = list(body['scenes'], 'scenes', SCENE);
      const nodes = list(body['nodes'], 'nodes', NODE_ID);
      if (!scenes.length && !nodes.length) throw new NbvError('BAD_USAGE', 'say what to wipe: scenes or nodes');
      const project = await withArgv(['wipe', ...nodes.flatMap((n) => ['--node', n]), ...scenes.flatMap((s) => ['--scene', s])]);
      const result = await wipe(project, { workflow, selector: { ...(nodes.length ? { nodes } : {}), ...(scenes.length ? { scenes } : {}) }, ...message(body) });
      const commit = result.entry?.commit ?? null;
      const summary = result.recorded
        ? `Wiped ${result.summary.outputs} cached output(s) (commit ${short(commit)}); 'Undo' brings them back.`
        : 'Nothing to wipe: the selected nodes have no cached output.';
      return { action, workflow, recorded: result.recorded, commit, savedCommit: result.savedCommit, backup: result.backup, summary };
    }
    case 'bump': {
      const project = await withArgv(['bump']);
      const result = await bump(project, { workflow, ...message(body) });
      return {
        action,
        workflow,
        recorded: true,
        commit: result.entry.commit,
        savedCommit: null,
        backup: result.backup,
        summary: `Bumped ${result.from.version} -> ${result.to.version}; ${result.from.file} kept as ${result.backup} (commit ${short(result.entry.commit)}).`,
      };
    }
    case 'undo': {
      const project = await withArgv(['undo']);
      const result = await undo(project, { workflow, ...message(body) });
      const commit = result.entry?.commit ?? null;
      const summary =
        result.recorded && result.undone
          ? `Undid ${result.undone.op.op} ${short(result.undone.commit)} (commit ${short(commit)}).`
          : 'Nothing to undo: the last command changed nothing.';
      return { action, workflow, recorded: result.recorded, commit, savedCommit: result.savedCommit, backup: result.backup, summary };
    }
    default:
      throw new NbvError('BAD_USAGE', `unknown action '${action}' (restore, wipe, bump, undo)`);
  }
}
