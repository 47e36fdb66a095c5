// git's delta format (gitformat-pack, "Deltified representation"): the instructions that rebuild a
// target from a base. Pure bytes in, bytes out; the packer uses it to store each version of a file
// as the few bytes that differ from its neighbour in history.
//
// Matching: the base is indexed by a hash of every 16-byte block at 16-byte boundaries; the target
// is scanned byte by byte for a block the base has, and each hit is extended both ways as far as
// the bytes agree. Edits to a .nbflow are local, so almost all of a new version is a few long copies.

const BLOCK = 16;
const MAX_COPY = 0xffffff; // three size bytes
const MAX_INSERT = 0x7f;
const MAX_CANDIDATES = 8; // per hash bucket: enough for repetitive JSON, bounded for adversarial input

function blockHash(buf: Uint8Array, at: number): number {
  let h = 0x811c9dc5;
  for (let i = at; i < at + BLOCK; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
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

/** Candidate base offsets per block hash: chained buckets in two typed arrays, no per-block objects. */
function indexBase(base: Uint8Array): { lookup: (hash: number, visit: (offset: number) => void) => void } {
  const blocks = Math.floor(base.length / BLOCK);
  let size = 1024;
  while (size < blocks * 2) size *= 2;
  const mask = size - 1;
  const head = new Int32Array(size).fill(-1);
  const next = new Int32Array(Math.max(blocks, 1));
  const hashes = new Uint32Array(Math.max(blocks, 1));
  // Inserted last block first, so each chain lists the earliest blocks first.
  for (let b = blocks - 1; b >= 0; b--) {
    const h = blockHash(base, b * BLOCK);
    hashes[b] = h;
    next[b] = head[h & mask]!;
    head[h & mask] = b;
  }
  return {
    lookup: (hash, visit) => {
      let seen = 0;
      for (let b = head[hash & mask]!; b >= 0 && seen < MAX_CANDIDATES; b = next[b]!) {
        if (hashes[b] !== hash) continue;
        seen += 1;
        visit(b * BLOCK);
      }
    },
  };
}

/** The delta that rebuilds `target` from `base`, or null when it would not be smaller than `limit`. */
export function createDelta(base: Uint8Array, target: Uint8Array, limit = Infinity): Uint8Array | null {
  const header: number[] = [];
  writeVarint(header, base.length);
  writeVarint(header, target.length);
  const out = new Output();
  out.bytes(header);
  const index = indexBase(base);
  let pending = 0; // start of bytes not yet emitted
  let i = 0;
  while (i + BLOCK <= target.length) {
    let bestLen = 0;
    let bestBase = 0;
    let bestBack = 0;
    index.lookup(blockHash(target, i), (candidate) => {
      let len = 0;
      while (i + len < target.length && candidate + len < base.length && target[i + len] === base[candidate + len]) len++;
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
      i++;
      continue;
    }
    emitInsert(out, target, pending, i - bestBack);
    emitCopy(out, bestBase - bestBack, bestLen + bestBack);
    i += bestLen;
    pending = i;
    if (out.size >= limit) return null;
  }
  emitInsert(out, target, pending, target.length);
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
  let o = 0;
  while (at.pos < delta.length) {
    const op = delta[at.pos++]!;
    if (op & 0x80) {
      let offset = 0;
      let len = 0;
      for (let i = 0; i < 4; i++) if (op & (1 << i)) offset += delta[at.pos++]! * 2 ** (8 * i);
      for (let i = 0; i < 3; i++) if (op & (0x10 << i)) len |= delta[at.pos++]! << (8 * i);
      if (len === 0) len = 0x10000;
      if (offset + len > base.length || o + len > size) throw new Error('delta copies outside its base or target');
      out.set(base.subarray(offset, offset + len), o);
      o += len;
    } else if (op > 0) {
      if (o + op > size || at.pos + op > delta.length) throw new Error('delta inserts past its end');
      out.set(delta.subarray(at.pos, at.pos + op), o);
      at.pos += op;
      o += op;
    } else {
      throw new Error('delta holds the reserved instruction 0');
    }
  }
  if (o !== size) throw new Error('delta builds fewer bytes than it announced');
  return out;
}
