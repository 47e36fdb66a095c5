// The library's surface is the commands and their types (issue 17): a helper exported by
// accident becomes an API someone depends on. Adding a value export means adding it here.
import { describe, expect, it } from 'vitest';
import * as library from '../../src/index.js';

const COMMANDS = [
  'adoptBackup', 'audit', 'blame', 'bump', 'checkBackups', 'commit', 'diff', 'gc', 'importLegacy', 'initProject', 'log', 'openProject',
  'plan', 'redo', 'reroll', 'restore', 'run', 'show', 'status', 'syncBackups', 'track', 'trackAll', 'undo', 'untrack', 'variants',
  'verify', 'watch', 'wipe',
  // sharing (docs/sharing.md)
  'clone', 'addRemote', 'removeRemote', 'listRemotes', 'fetch', 'push', 'pull', 'mergeContinue', 'mergeAbort', 'resolve',
];
/** Not commands, but part of using them: finding a project, naming workflows, rendering results, errors. */
const COMPANIONS = [
  'findProjectRoot', 'listWorkflowNames', 'describeSummary', 'auditToCsv', 'auditToJsonl',
  'NbvError', 'isNbvError', 'EXIT_BAD_INPUT', 'EXIT_CHECK_FAILED', 'OP_KINDS',
  // the three-way merge, for tools that merge .nbflow files themselves (docs/merge.md)
  'mergeNbflow', 'describeConflict',
  'defaultCloneDir',
];

describe('library exports', () => {
  it('are the commands and their companions, no internals', () => {
    expect(Object.keys(library).sort()).toEqual([...COMMANDS, ...COMPANIONS].sort());
  });

  it('do not include the cache analysis, provenance or pack machinery', () => {
    for (const name of ['analyzeCaches', 'lookupProvenance', 'staleNodes', 'autoGc', 'resolveWorkflow', 'estimateSeconds']) {
      expect(library).not.toHaveProperty(name);
    }
  });
});
