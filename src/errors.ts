// Every error nbv raises on purpose is an NbvError with a stable `code`. Callers (the CLI, scripts
// using the library) branch on `code` and `exitStatus`, never on message text.

/** Exit statuses of the CLI contract: 1 for a failed check, 2 for bad usage or bad input. */
export const EXIT_CHECK_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

export type NbvErrorCode =
  // the user's input: files, arguments, references
  | 'BAD_JSON' // not JSON at all (syntax), with line:column
  | 'BAD_ENCODING' // not UTF-8, BOM, lone surrogate
  | 'BAD_DOCUMENT' // JSON, but not an .nbflow the engine can rely on (with the JSON path)
  | 'TOO_LARGE'
  | 'BAD_FILE_NAME'
  | 'BAD_PATH' // outside the project, symlink escaping it, NUL byte, ...
  | 'FILE_NOT_FOUND'
  | 'BAD_USAGE'
  | 'BAD_CONFIG'
  | 'NO_MATCH' // a selector that matches no node
  | 'UNKNOWN_REF'
  | 'AMBIGUOUS_REF'
  | 'UNKNOWN_WORKFLOW'
  | 'AMBIGUOUS_WORKFLOW'
  | 'NOT_A_PROJECT'
  | 'ALREADY_EXISTS'
  | 'NOTHING_TO_DO'
  | 'UNCOMMITTED_CHANGES' // a step that would replace edits the user has not recorded
  // the store and its neighbours
  | 'LOCKED' // another nbv holds the project lock past the wait
  | 'REF_CONFLICT' // compare-and-swap on a ref lost
  | 'CORRUPT_STORE'
  | 'IO'
  // sharing through git hosts (docs/sharing.md)
  | 'REMOTE_UNREACHABLE' // no answer, not a git repository, or the transfer was cut
  | 'REMOTE_AUTH' // the remote wants credentials, or refused the ones given
  | 'REMOTE_REJECTED' // a push refused: the remote moved ("pull first")
  | 'NOT_AN_NBV_REMOTE' // a git repository that holds no nbv project
  | 'GIT_MISSING' // ssh and local-folder remotes need the system git
  | 'MERGE_IN_PROGRESS' // a pull stopped on conflicts: resolve, then merge --continue or --abort
  | 'NO_MERGE'; // merge --continue / --abort / resolve without a merge in progress

export class NbvError extends Error {
  readonly code: NbvErrorCode;
  readonly exitStatus: number;
  /** The file the error is about, when there is one: printed first so the user sees which. */
  readonly file: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(
    code: NbvErrorCode,
    message: string,
    options: { file?: string; exitStatus?: number; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NbvError';
    this.code = code;
    this.file = options.file;
    this.exitStatus = options.exitStatus ?? EXIT_BAD_INPUT;
    this.details = options.details ?? {};
  }
}

export function isNbvError(value: unknown): value is NbvError {
  return value instanceof NbvError;
}

/** Control and bidirectional-override characters, shown escaped: a name holding a newline or a
 * right-to-left override must not split the line or display as something else. */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const escapeUnprintable = (text: string) => text.replace(UNPRINTABLE, (c) => (c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));

/** One line for a human: `<file>: <message>` when a file is known. */
export function formatError(err: NbvError): string {
  const text = escapeUnprintable(err.message.replace(/\s*\n\s*/g, ' '));
  const file = err.file === undefined ? undefined : escapeUnprintable(err.file);
  return file !== undefined && !text.startsWith(file) ? `${file}: ${text}` : text;
}
