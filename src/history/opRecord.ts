// The operation record: `op.json` in every commit's tree. It is what makes history browsable
// without re-deriving intent from bytes, so its fields are a contract (docs/store-format.md):
// fields may be added, never renamed.
import * as z from 'zod';
import { NbvError } from '../errors.js';
import { provenanceMapProblem, provenanceMapSchema } from '../nbflow/fingerprint.js';
import { relativePathProblem } from './projectPaths.js';

/** A project-relative path as the store may hold it: one that cannot lead out of the project. */
export const storedPathSchema = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    const problem = relativePathProblem(value);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: `path ${JSON.stringify(value)} ${problem}` });
  });

export const OP_RECORD_FORMAT = 'nbv-op/1';

export const OP_KINDS = ['track', 'commit', 'wipe', 'bump', 'restore', 'undo', 'import', 'reroll', 'redo', 'run', 'merge'] as const;
export type OpKind = (typeof OP_KINDS)[number];

/** What an imported step most likely was (a hand-kept folder records no operations). */
export const INFERRED_OPS = ['start', 'bump', 'wipe', 'edit', 'fill', 'reformat', 'restore'] as const;
export type InferredOp = (typeof INFERRED_OPS)[number];

const selectorSchema = z
  .object({
    all: z.boolean().optional(),
    nodes: z.array(z.string()).optional(),
    scenes: z.array(z.string()).optional(),
    tabs: z.array(z.string()).optional(),
    kinds: z.array(z.enum(['image', 'video'])).optional(),
  })
  .strict();

/** What a `run` operation records of its runner (docs/runner.md). */
const runIntentSchema = z
  .object({
    command: z.array(z.string()),
    /** --clean: every cache was wiped and the version bumped first. */
    clean: z.boolean(),
    /** The nodes the plan handed to the runner (NBV_PLAN), in document order. */
    planned: z.array(z.string()),
    /** The nodes whose cache the run filled or changed. */
    filled: z.array(z.string()),
    /** Planned nodes the run left without a new cache. */
    unfilled: z.array(z.string()),
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    durationMs: z.number().int().min(0),
    /** The runner failed, crashed or was stopped: its outputs so far are what is recorded. */
    interrupted: z.boolean(),
    /** The runner left the file half-written: the last complete save it made is recorded. */
    lastCompleteSave: z.boolean(),
  })
  .strict();

/** A file of the backups/ view that this commit brings into being, and which state it holds. */
const viewEntrySchema = z
  .object({
    path: storedPathSchema,
    /** `parent`: the state before this commit (pre-change backups, superseded versions);
     * `self`: this commit's own state (files taken in from a hand-made backups/ folder). */
    state: z.enum(['parent', 'self']),
  })
  .strict();

export const opRecordSchema = z
  .object({
    format: z.literal(OP_RECORD_FORMAT),
    op: z.enum(OP_KINDS),
    workflow: z.string().min(1),
    version: z.string().regex(/^V\d+-\d+$/),
    /** The working file, relative to the project root, `/`-separated. */
    file: storedPathSchema,
    message: z.string(),
    author: z.object({ name: z.string(), email: z.string() }).strict(),
    /** ISO 8601 with the author's zone offset, e.g. 2026-05-12T10:15:00+02:00. */
    time: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/),
    tool: z.string(),
    /** What the command was asked to do: selectors, the REF restored from, the commit undone. */
    intent: z
      .object({
        selector: selectorSchema.optional(),
        ref: z.string().optional(),
        undoes: z.string().optional(),
        importedFrom: z.string().optional(),
        /** Imported states: what the step most likely was, judged from what changed (docs/import.md). */
        inferred: z.enum(INFERRED_OPS).optional(),
        auto: z.string().optional(),
        /** reroll: the node ids asked to be regenerated regardless of their cache. */
        nodes: z.array(z.string()).optional(),
        /** run: what the runner was given and what it did (docs/runner.md). */
        run: runIntentSchema.optional(),
        /** The nbv command line's arguments (no environment): what the user typed. */
        argv: z.array(z.string()).optional(),
      })
      .strict(),
    /** Ids of the nodes this commit changed, in document order. */
    nodes: z.array(z.string()),
    /** Per node, the kinds of change (prompt-edited, cache-wiped, ...). */
    changes: z.array(z.object({ node: z.string(), title: z.string().optional(), kinds: z.array(z.string()) }).strict()),
    /** Per node whose cache this commit filled or changed: the fingerprint it was made under
     * (docs/staleness.md). Absent in records written before nbv tracked provenance. */
    provenance: provenanceMapSchema.optional(),
    /** op `merge`: the other side, the commit's second parent (docs/sharing.md). The chain hash
     * covers it, so the side a merge took in cannot be swapped afterwards. */
    merge: z
      .object({
        theirs: z.string().regex(/^[0-9a-f]{40}$/),
        theirsChain: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
        base: z.string().regex(/^[0-9a-f]{40}$/).nullable(),
        remote: z.string().optional(),
        /** Conflicts settled by `nbv resolve`: which side each place took. */
        resolved: z.array(z.object({ node: z.string(), field: z.string().optional(), side: z.enum(['ours', 'theirs']) }).strict()).optional(),
      })
      .strict()
      .optional(),
    /** Versions this commit's workflow renumbered on a pull (`V0-4` -> `V0-5`), its own unpushed ones. */
    renumbered: z.array(z.object({ from: z.string(), to: z.string() }).strict()).optional(),
    /** sha256 of the working file's bytes: a second, independent hash beside git's sha1. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    view: z.array(viewEntrySchema),
    /** Tamper evidence (src/engine/chain.ts, docs/audit.md): position in the branch and a sha256
     * chain over every op record up to this one. Absent in records written before nbv 0.1. */
    chain: z
      .object({ seq: z.number().int().min(1), prev: z.string().regex(/^[0-9a-f]{64}$/).nullable(), hash: z.string().regex(/^[0-9a-f]{64}$/) })
      .strict()
      .optional(),
  })
  .strict();

export type OpRecord = z.infer<typeof opRecordSchema>;

/** Reading: the same schema, with the provenance map checked by hand afterwards (provenanceMapProblem). */
const storedOpRecordSchema = opRecordSchema.extend({ provenance: z.unknown().optional() });
export type ViewEntry = z.infer<typeof viewEntrySchema>;

/** Compact JSON, one line: a restore's record names hundreds of nodes, and indentation made a
 * third of its bytes (`git show REF:op.json | jq` reads it). Older records are indented; both read alike. */
export function encodeOpRecord(record: OpRecord): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(opRecordSchema.parse(record)) + '\n');
}

export function decodeOpRecord(bytes: Uint8Array, where: string): OpRecord {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new NbvError('CORRUPT_STORE', `${where}: op.json is not valid JSON (${(err as Error).message})`, {
      exitStatus: 1,
    });
  }
  const parsed = storedOpRecordSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? '/' + issue.path.join('/') : '';
    throw new NbvError('CORRUPT_STORE', `${where}: op.json is malformed at ${path}: ${issue?.message ?? 'invalid'}`, {
      exitStatus: 1,
    });
  }
  const provenance = parsed.data.provenance;
  const problem = provenance === undefined ? null : provenanceMapProblem(provenance);
  if (problem !== null) throw new NbvError('CORRUPT_STORE', `${where}: op.json is malformed at /provenance/${problem}`, { exitStatus: 1 });
  return parsed.data as OpRecord;
}
