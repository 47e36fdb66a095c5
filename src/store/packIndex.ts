// Looking objects up in a pack index (version 2, gitformat-pack): the fan-out narrows the search
// to the names starting with one byte, a binary search finds the name, and the offset table (with
// its 64-bit extension for packs over 2 GiB) says where the entry starts in the .pack. The end of
// an entry is where the next one (by offset) starts, so each zlib stream can be inflated from a
// slice of exactly its own bytes.

const IDX_MAGIC = 0xff744f63;
const FANOUT_AT = 8;
const NAMES_AT = FANOUT_AT + 256 * 4;

export class PackIndex {
  readonly count: number;
  private readonly offsetsAt: number;
  private readonly largeAt: number;
  private sortedOffsets: Float64Array | null = null;

  private constructor(
    private readonly idx: Buffer,
    /** Where the entries end in the .pack: its size less the trailing 20-byte checksum. */
    private readonly entriesEnd: number,
  ) {
    this.count = idx.readUInt32BE(FANOUT_AT + 255 * 4);
    this.offsetsAt = NAMES_AT + this.count * (20 + 4);
    this.largeAt = this.offsetsAt + this.count * 4;
  }

  /** Parse a version 2 .idx; null when the bytes are not one (a version 1 index, a torn file). */
  static parse(idx: Buffer, packSize: number): PackIndex | null {
    if (idx.length < NAMES_AT + 40 || idx.readUInt32BE(0) !== IDX_MAGIC || idx.readUInt32BE(4) !== 2) return null;
    const count = idx.readUInt32BE(FANOUT_AT + 255 * 4);
    if (idx.length < NAMES_AT + count * 28 + 40) return null;
    return new PackIndex(idx, packSize - 20);
  }

  /** The offset of `oid` (20 raw bytes) in the pack, or -1 when this pack does not hold it. */
  find(oid: Buffer): number {
    const first = oid[0]!;
    let lo = first === 0 ? 0 : this.idx.readUInt32BE(FANOUT_AT + (first - 1) * 4);
    let hi = this.idx.readUInt32BE(FANOUT_AT + first * 4);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = NAMES_AT + mid * 20;
      const cmp = this.idx.compare(oid, 0, 20, at, at + 20);
      if (cmp === 0) return this.offsetAt(mid);
      // > 0: the name at `mid` (the source of compare) sorts after oid.
      if (cmp > 0) hi = mid;
      else lo = mid + 1;
    }
    return -1;
  }

  private offsetAt(i: number): number {
    const small = this.idx.readUInt32BE(this.offsetsAt + i * 4);
    if (!(small & 0x80000000)) return small;
    return Number(this.idx.readBigUInt64BE(this.largeAt + (small & 0x7fffffff) * 8));
  }

  /** Where the entry starting at `offset` ends: the next entry's start, or the pack's checksum. */
  entryEnd(offset: number): number {
    if (this.sortedOffsets === null) {
      const all = new Float64Array(this.count);
      for (let i = 0; i < this.count; i++) all[i] = this.offsetAt(i);
      this.sortedOffsets = all.sort();
    }
    const sorted = this.sortedOffsets;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo < sorted.length ? sorted[lo]! : this.entriesEnd;
  }
}
