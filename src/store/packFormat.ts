// git's packfile and pack index (version 2) encodings (gitformat-pack): entry headers, the
// OFS_DELTA back-offset, the .idx with its fan-out table, and reading an .idx's object names.
// Pure bytes; pack.ts decides what goes in a pack and writes the files.

export const PACK_TYPE = { commit: 1, tree: 2, blob: 3, tag: 4, ofsDelta: 6 } as const;
export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag';

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 (the zlib one), continued from `crc` over several chunks. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Type and inflated size of one pack entry: 3 type bits and the size in 4 + 7n bits. */
export function entryHeader(type: number, size: number): Uint8Array {
  const out: number[] = [];
  let rest = Math.floor(size / 16);
  out.push((type << 4) | (size & 0x0f) | (rest > 0 ? 0x80 : 0));
  while (rest > 0) {
    const byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
    out.push(byte | (rest > 0 ? 0x80 : 0));
  }
  return Uint8Array.from(out);
}

/** The distance back to an OFS_DELTA's base, in git's "offset encoding" (each more byte adds one). */
export function ofsDeltaDistance(distance: number): Uint8Array {
  let rest = distance;
  const out = [rest & 0x7f];
  rest = Math.floor(rest / 128);
  while (rest > 0) {
    rest -= 1;
    out.unshift(0x80 | (rest & 0x7f));
    rest = Math.floor(rest / 128);
  }
  return Uint8Array.from(out);
}

export interface IndexEntry {
  oid: string;
  offset: number;
  crc: number;
}

/** The .idx (version 2) of a pack: fan-out, sorted names, CRCs, offsets, pack checksum; without
 * its own trailing checksum, which the caller appends (it hashes what it writes). */
export function buildIndex(entries: IndexEntry[], packChecksum: Uint8Array): Uint8Array {
  const sorted = [...entries].sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0));
  const large = sorted.filter((e) => e.offset >= 0x80000000);
  const size = 8 + 256 * 4 + sorted.length * (20 + 4 + 4) + large.length * 8 + 20;
  const buf = Buffer.alloc(size);
  let at = buf.writeUInt32BE(0xff744f63, 0);
  at = buf.writeUInt32BE(2, at);
  const fanout = new Uint32Array(256);
  for (const e of sorted) fanout[parseInt(e.oid.slice(0, 2), 16)]! += 1;
  let running = 0;
  for (let i = 0; i < 256; i++) {
    running += fanout[i]!;
    at = buf.writeUInt32BE(running, at);
  }
  for (const e of sorted) at += buf.write(e.oid, at, 'hex');
  for (const e of sorted) at = buf.writeUInt32BE(e.crc, at);
  let largeIndex = 0;
  for (const e of sorted) at = buf.writeUInt32BE(e.offset < 0x80000000 ? e.offset : (0x80000000 | largeIndex++) >>> 0, at);
  for (const e of large) at = buf.writeBigUInt64BE(BigInt(e.offset), at);
  buf.set(packChecksum, at);
  return buf;
}

/** The object names an .idx (version 2) lists; null when the bytes are not one. */
export function readIndexOids(idx: Uint8Array): string[] | null {
  const buf = Buffer.from(idx.buffer, idx.byteOffset, idx.byteLength);
  if (buf.length < 8 + 1024 || buf.readUInt32BE(0) !== 0xff744f63 || buf.readUInt32BE(4) !== 2) return null;
  const count = buf.readUInt32BE(8 + 255 * 4);
  const start = 8 + 1024;
  if (buf.length < start + count * 20) return null;
  const oids: string[] = [];
  for (let i = 0; i < count; i++) oids.push(buf.toString('hex', start + i * 20, start + (i + 1) * 20));
  return oids;
}
