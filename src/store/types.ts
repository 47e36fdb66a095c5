// The store's vocabulary. It knows refs, commits, flat trees of named blobs and metadata files; it
// knows nothing of what the blobs mean.

/** A git signature. `timezoneOffset` follows isomorphic-git: minutes, positive WEST of UTC
 * (so UTC+02:00 is -120), the same sign as JavaScript's Date#getTimezoneOffset. */
export interface Signature {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  timestamp: number;
  timezoneOffset: number;
}

export interface StoredCommit {
  oid: string;
  tree: string;
  parents: string[];
  message: string;
  author: Signature;
  committer: Signature;
}


export interface RefEntry {
  ref: string;
  oid: string;
}

/** Store#writeCommit's input: a commit over an existing tree. The message round-trips exactly. */
export interface WriteCommitInput {
  tree: string;
  parents: string[];
  message: string;
  author: Signature;
  /** Defaults to the author. */
  committer?: Signature;
}
