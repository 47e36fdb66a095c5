// The JSON layer's public surface: strict parsing with spans, pointers, patches, content hashes.

export { DEFAULT_MAX_DEPTH, FORBIDDEN_KEYS, lineColumn, strictParseJson, type Span, type StrictParseOptions, type StrictParseResult } from './strictParse.js';
export { decodePointerToken, describePointer, encodePointerToken, parsePointer, toPointer, type PathToken } from './pointer.js';
export { applyPatchToClone, makePatch, type Operation } from './patch.js';
export { canonicalJson, contentHash, sha256Hex } from './hash.js';
export { jsonEqual, jsonSameContent } from './equal.js';
