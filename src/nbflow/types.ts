// The shapes of the .nbflow document that the engine relies on. Everything not named here passes
// through untouched: the index signatures keep unknown fields, and the raw bytes stay the truth.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface NbflowEdge {
  source: string;
  target: string;
  [key: string]: unknown;
}

export interface NbflowNode {
  id: string;
  type: string;
  data?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface NbflowTab {
  id: string;
  title?: string;
  nodes: NbflowNode[];
  edges?: NbflowEdge[];
  [key: string]: unknown;
}

export interface NbflowDocument {
  name?: string;
  tabs: NbflowTab[];
  [key: string]: unknown;
}

/** A document as read from disk: the bytes are the truth, the rest is derived from them. */
export interface ParsedNbflow {
  file: string;
  bytes: Uint8Array;
  /** The bytes decoded as strict UTF-8 (no BOM); re-encoding it gives the bytes back exactly. */
  text: string;
  doc: NbflowDocument;
}

export type NodeKind = 'image' | 'video' | 'other';

/** Where a node sits in a document, and what the engine knows about it. */
export interface NodeRef {
  id: string;
  type: string;
  kind: NodeKind;
  title: string | undefined;
  tabId: string;
  tabIndex: number;
  nodeIndex: number;
  /** Has a generation kind, or carries a cache field. Only these can be wiped or go stale. */
  isGeneration: boolean;
}

/** Which nodes a command acts on. Pickers (nodes, scenes) add up; filters (tabs, kinds) narrow. */
export interface NodeSelector {
  all?: boolean;
  nodes?: string[];
  scenes?: string[];
  tabs?: string[];
  kinds?: Array<'image' | 'video'>;
}

/** Per-project settings that shape how documents are read (stored in the store's config). */
export interface NbflowConfig {
  /** Fields of `data` that hold cached outputs. */
  cacheFields: string[];
  /** Fields (of the node or its data) that are presentation only: never a generation input. */
  presentationFields: string[];
  /** When set, only these `data` fields are generation inputs; when null, every non-cache,
   * non-presentation field is. */
  inputFields: string[] | null;
  /** Node `type` -> kind. Types not listed are kind `other` (still generation nodes if they carry
   * a cache field). */
  kinds: Record<string, 'image' | 'video'>;
  /** Fields holding the prompt text. */
  promptFields: string[];
  /** Fields naming the model. */
  modelFields: string[];
  /** Seconds one generation takes, for `nbv plan` (absent: the defaults of config.ts). */
  estimates?: EstimatesConfig;
  /** Which files of the backups/ view are kept on disk (absent: all of them, docs/backups-view.md). */
  backups?: BackupsConfig;
}

/** How many of each kind of backups/ file stay on disk, per workflow, newest first: 'all' keeps
 * every one. Everything stays in history either way. */
export type KeepCount = 'all' | number;
export interface BackupsConfig {
  keep: { superseded: KeepCount; preChange: KeepCount };
}

/** A duration range in seconds: the seed quotes ranges ("30-45 min for the full pass"). */
export interface SecondsRange {
  min: number;
  max: number;
}

/** Per-node generation time: by model name first, else by node kind. */
export interface EstimatesConfig {
  models: Record<string, SecondsRange>;
  kinds: Record<'image' | 'video' | 'other', SecondsRange>;
}

export type NodeChangeKind =
  | 'added'
  | 'removed'
  | 'prompt-edited'
  | 'model-changed'
  | 'reference-changed'
  | 'input-changed'
  | 'cache-filled'
  | 'cache-wiped'
  | 'cache-changed'
  | 'presentation-changed'
  | 'other-changed';

/** Cache arrays are compared by the content hash of each entry and summarised as counts. */
export interface CacheChangeSummary {
  field: string;
  before: number;
  after: number;
  added: number;
  removed: number;
}

export interface FieldChange {
  kind: NodeChangeKind;
  /** The data field (or node field) that changed, for per-field kinds. */
  field?: string;
  before?: unknown;
  after?: unknown;
  cache?: CacheChangeSummary;
}

export interface NodeDiff {
  node: string;
  tab: string;
  title: string | undefined;
  kind: NodeKind;
  changes: FieldChange[];
}

export interface DocumentDiff {
  nodes: NodeDiff[];
  /** JSON pointers of changes outside any node (settings, edges, tab fields, top-level fields). */
  other: string[];
}
