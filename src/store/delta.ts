// git's delta format (gitformat-pack, "Deltified representation"): the instructions that rebuild a
// target from a base. Pure bytes in, bytes out; the packer uses it to store each version of a file
// as the few bytes that differ from its neighbour in history.
//
// Matching: the base is indexed by a hash of every 16-byte block at 16-byte boundaries; the target
// is scanned byte by byte (a rolling hash) for a block the base has, and each hit is extended both ways as far as
// the bytes agree. Edits to a .nbflow are local, so almost all of a new version is a few long copies.

const BLOCK = 16;
// Base blocks start every STEP bytes: a run of BLOCK + STEP - 1 bytes that the base shares is
// always found (a 16-hex id inside a URL whose common prefix matched elsewhere, say).
const STEP = 8;
const MAX_COPY = 0xffffff; // three size bytes
const MAX_INSERT = 0x7f;
const MAX_CANDIDATES = 8; // per hash bucket: enough for repetitive JSON, bounded for adversarial input

// A polynomial hash of BLOCK bytes that rolls one byte forward in O(1), so scanning a 1 MB target
// costs one multiply per byte, then a finaliser that spreads it over the bucket bits.
const P = 0x01000193;
const P_TOP = (() => {
  let p = 1;
  for (let i = 1; i < BLOCK; i++) p = Math.imul(p, P);
  return p; // P^(BLOCK-1): the weight of the byte leaving the window
})();

function rawHash(buf: Uint8Array, at: number): number {
  let h = 0;
  for (let i = at; i < at + BLOCK; i++) h = (Math.imul(h, P) + buf[i]!) | 0;
  return h;
}

function roll(h: number, out: number, inByte: number): number {
  return (Math.imul(h - Math.imul(out, P_TOP), P) + inByte) | 0;
}

function mix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function writeVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

class Output {
  private chunks: Uint8Array[] = [];
  private current: number[] = [];
  size = 0;

  bytes(list: number[]): void {
    for (const b of list) this.current.push(b);
    this.size += list.length;
    if (this.current.length > 1 << 16) this.flush();
  }

  raw(data: Uint8Array): void {
    this.flush();
    this.chunks.push(data);
    this.size += data.length;
  }

  private flush(): void {
    if (this.current.length) this.chunks.push(Uint8Array.from(this.current));
    this.current = [];
  }

  result(): Uint8Array {
    this.flush();
    return Buffer.concat(this.chunks);
  }
}

function emitInsert(out: Output, target: Uint8Array, from: number, to: number): void {
  for (let at = from; at < to; at += MAX_INSERT) {
    const len = Math.min(MAX_INSERT, to - at);
    out.bytes([len]);
    out.raw(target.subarray(at, at + len));
  }
}

function emitCopy(out: Output, offset: number, length: number): void {
  for (let done = 0; done < length; ) {
    const size = Math.min(MAX_COPY, length - done);
    const off = offset + done;
    const ops: number[] = [0x80];
    for (let i = 0; i < 4; i++) {
      const byte = Math.floor(off / 2 ** (8 * i)) & 0xff;
      if (byte) {
        ops[0]! |= 1 << i;
        ops.push(byte);
      }
    }
    for (let i = 0; i < 3; i++) {
      const byte = (size >> (8 * i)) & 0xff;
      if (byte) {
        ops[0]! |= 0x10 << i;
        ops.push(byte);
      }
    }
    out.bytes(ops);
    done += size;
  }
}

/** A base's block index: build it once when one base is tried against several targets. */
export interface DeltaIndex {
  readonly base: Uint8Array;
  lookup(hash: number, visit: (offset: number) => void): void;
}

/** Candidate base offsets per block hash: chained buckets in two typed arrays, no per-block objects. */
export function indexBase(base: Uint8Array): DeltaIndex {
  const blocks = base.length < BLOCK ? 0 : Math.floor((base.length - BLOCK) / STEP) + 1;
  let size = 1024;
  while (size < blocks) size *= 2;
  const mask = size - 1;
  const head = new Int32Array(size).fill(-1);
  const next = new Int32Array(Math.max(blocks, 1));
  const hashes = new Uint32Array(Math.max(blocks, 1));
  // Hashes rolled forward over every position, kept every STEP bytes; then chained last block
  // first, so each chain lists the earliest blocks first.
  let h = blocks > 0 ? rawHash(base, 0) : 0;
  for (let b = 0; b < blocks; b++) {
    hashes[b] = mix(h);
    const stop = Math.min((b + 1) * STEP, base.length - BLOCK);
    for (let at = b * STEP; at < stop; at++) h = roll(h, base[at]!, base[at + BLOCK]!);
  }
  for (let b = blocks - 1; b >= 0; b--) {
    const h = hashes[b]!;
    next[b] = head[h & mask]!;
    head[h & mask] = b;
  }
  return {
    base,
    lookup: (hash, visit) => {
      let seen = 0;
      for (let b = head[hash & mask]!; b >= 0 && seen < MAX_CANDIDATES; b = next[b]!) {
        if (hashes[b] !== hash) continue;
        seen += 1;
        visit(b * STEP);
      }
    },
  };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** How many bytes `a` from `ai` and `b` from `bi` share, up to `max`: native compares of growing chunks. */
function sameForward(a: Buffer, ai: number, b: Buffer, bi: number, max: number): number {
  let n = 0;
  // Most candidates differ within a few bytes: a plain loop first, native compares for long runs.
  while (n < max && n < 64) {
    if (a[ai + n] !== b[bi + n]) return n;
    n++;
  }
  for (let chunk = 32; n + chunk <= max && a.compare(b, bi + n, bi + n + chunk, ai + n, ai + n + chunk) === 0; chunk = Math.min(chunk * 2, 1 << 16)) n += chunk;
  while (n < max && a[ai + n] === b[bi + n]) n++;
  return n;
}

/** How many bytes `a` before `aEnd` and `b` before `bEnd` share, up to `max`. */
function sameBackward(a: Buffer, aEnd: number, b: Buffer, bEnd: number, max: number): number {
  let n = 0;
  for (let chunk = 32; n + chunk <= max && a.compare(b, bEnd - n - chunk, bEnd - n, aEnd - n - chunk, aEnd - n) === 0; chunk = Math.min(chunk * 2, 1 << 16)) n += chunk;
  while (n < max && a[aEnd - n - 1] === b[bEnd - n - 1]) n++;
  return n;
}

/**
 * The delta that rebuilds `target` from `base`, or null when it would not be smaller than `limit`.
 * `index` (indexBase(base), or a function that makes it) saves re-indexing a base tried against
 * several targets; it is only asked for when the two differ by more than their common ends.
 */
export function createDelta(base: Uint8Array, target: Uint8Array, limit = Infinity, index?: DeltaIndex | (() => DeltaIndex)): Uint8Array | null {
  const header: number[] = [];
  writeVarint(header, base.length);
  writeVarint(header, target.length);
  const out = new Output();
  out.bytes(header);
  const b = asBuffer(base);
  const t = asBuffer(target);
  // Most versions differ from their neighbour in one place: the common ends are two copies, found
  // with native compares, and only what lies between them is scanned.
  const prefix = sameForward(t, 0, b, 0, Math.min(t.length, b.length));
  const suffix = sameBackward(t, t.length, b, b.length, Math.min(t.length, b.length) - prefix);
  const end = t.length - suffix;
  if (prefix > 0) emitCopy(out, 0, prefix);
  let pending = prefix; // start of bytes not yet emitted
  let i = prefix;
  if (end - prefix >= BLOCK) {
    const blocks = typeof index === 'function' ? index() : (index ?? indexBase(base));
    if (blocks.base !== base) throw new Error('nbv internal error: delta index of another base');
    let h = rawHash(target, i);
    while (i + BLOCK <= end) {
      let bestLen = 0;
      let bestBase = 0;
      let bestBack = 0;
      blocks.lookup(mix(h), (candidate) => {
        const len = sameForward(t, i, b, candidate, Math.min(end - i, b.length - candidate));
        if (len < BLOCK) return;
        let back = 0;
        while (back < i - pending && back < candidate && target[i - back - 1] === base[candidate - back - 1]) back++;
        if (len + back > bestLen + bestBack) {
          bestLen = len;
          bestBase = candidate;
          bestBack = back;
        }
      });
      if (bestLen === 0) {
        if (i + BLOCK < end) h = roll(h, target[i]!, target[i + BLOCK]!);
        i++;
        continue;
      }
      emitInsert(out, target, pending, i - bestBack);
      emitCopy(out, bestBase - bestBack, bestLen + bestBack);
      i += bestLen;
      pending = i;
      if (i + BLOCK <= end) h = rawHash(target, i);
      if (out.size >= limit) return null;
    }
  }
  emitInsert(out, target, pending, end);
  if (suffix > 0) emitCopy(out, b.length - suffix, suffix);
  return out.size >= limit ? null : out.result();
}

function readVarint(delta: Uint8Array, at: { pos: number }): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = delta[at.pos++];
    if (byte === undefined) throw new Error('delta ends inside a size');
    value += (byte & 0x7f) * scale;
    if (!(byte & 0x80)) return value;
    scale *= 128;
  }
}

/** Rebuilds the target from `base` and `delta`; throws on any inconsistency. */
export function applyDelta(base: Uint8Array, delta: Uint8Array): Uint8Array {
  const at = { pos: 0 };
  if (readVarint(delta, at) !== base.length) throw new Error('delta was made for a base of another size');
  const size = readVarint(delta, at);
  const out = new Uint8Array(size);
  const end = delta.length;
  let o = 0;
  let pos = at.pos;
  // Plain typed-array loops: a delta that spans many edits holds thousands of short copies, where
  // a native call per copy costs more than the copy.
  while (pos < end) {
    const op = delta[pos++]!;
    if (op & 0x80) {
      let offset = 0;
      let len = 0;
      if (op & 0x01) offset = delta[pos++]!;
      if (op & 0x02) offset |= delta[pos++]! << 8;
      if (op & 0x04) offset |= delta[pos++]! << 16;
      if (op & 0x08) offset += delta[pos++]! * 0x1000000;
      if (op & 0x10) len = delta[pos++]!;
      if (op & 0x20) len |= delta[pos++]! << 8;
      if (op & 0x40) len |= delta[pos++]! << 16;
      if (len === 0) len = 0x10000;
      if (pos > end || offset + len > base.length || o + len > size) throw new Error('delta copies outside its base or target');
      if (len < 64) for (let i = 0; i < len; i++) out[o + i] = base[offset + i]!;
      else out.set(base.subarray(offset, offset + len), o);
      o += len;
    } else if (op > 0) {
      if (o + op > size || pos + op > end) throw new Error('delta inserts past its end');
      for (let i = 0; i < op; i++) out[o + i] = delta[pos + i]!;
      pos += op;
      o += op;
    } else {
      throw new Error('delta holds the reserved instruction 0');
    }
  }
  if (o !== size) throw new Error('delta builds fewer bytes than it announced');
  return out;
}
