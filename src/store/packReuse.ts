// Deltas already stored in the packs being merged, as they lie on disk: when an object's old base
// also goes into the new pack (and is written before it), its compressed delta can be copied as
// is, as git does, so merging packs does not recompute every delta. pack.ts still inflates and
// applies each reused delta and compares the result before writing it.
import * as fs from 'node:fs';
import { inflateSync } from 'node:zlib';
import { PackIndex } from './packIndex.js';
import { readIndexOids } from './packFormat.js';

const OFS_DELTA = 6;
const REF_DELTA = 7;

export interface StoredDelta {
  baseOid: string;
  /** The delta's size once inflated (what the entry header says). */
  size: number;
  /** The zlib stream exactly as stored. */
  deflated: Buffer;
  /** The delta instructions. */
  delta: Uint8Array;
}

interface OpenPack {
  fd: number;
  index: PackIndex;
  oidAt: Map<number, string>;
}

export class StoredDeltas {
  private readonly packs: OpenPack[] = [];

  /** `bases`: packs without extension (`.../pack-<sha>`). */
  constructor(bases: string[]) {
    for (const base of bases) {
      const idx = fs.readFileSync(`${base}.idx`);
      const fd = fs.openSync(`${base}.pack`, 'r');
      const index = PackIndex.parse(idx, fs.fstatSync(fd).size);
      const oids = readIndexOids(idx);
      if (index === null || oids === null) {
        fs.closeSync(fd);
        continue; // an index this reader does not parse: its objects are simply recomputed
      }
      const oidAt = new Map<number, string>();
      for (const oid of oids) oidAt.set(index.find(Buffer.from(oid, 'hex')), oid);
      this.packs.push({ fd, index, oidAt });
    }
  }

  /** The delta `oid` is stored as in one of the packs, or null (stored whole, or not there). */
  get(oid: string): StoredDelta | null {
    const raw = Buffer.from(oid, 'hex');
    for (const pack of this.packs) {
      const offset = pack.index.find(raw);
      if (offset < 0) continue;
      const buf = Buffer.alloc(pack.index.entryEnd(offset) - offset);
      if (fs.readSync(pack.fd, buf, 0, buf.length, offset) !== buf.length) return null;
      let c = buf[0]!;
      const kind = (c >> 4) & 7;
      let size = c & 0x0f;
      let i = 1;
      for (let scale = 16; c & 0x80; scale *= 128) {
        c = buf[i++]!;
        size += (c & 0x7f) * scale;
      }
      let baseOid: string | undefined;
      if (kind === OFS_DELTA) {
        c = buf[i++]!;
        let distance = c & 0x7f;
        while (c & 0x80) {
          c = buf[i++]!;
          distance = (distance + 1) * 128 + (c & 0x7f);
        }
        baseOid = pack.oidAt.get(offset - distance);
      } else if (kind === REF_DELTA) {
        baseOid = buf.toString('hex', i, i + 20);
        i += 20;
      } else {
        return null;
      }
      if (baseOid === undefined) return null;
      const deflated = buf.subarray(i);
      let delta: Uint8Array;
      try {
        delta = inflateSync(deflated);
      } catch {
        return null; // not reusable; the reader will say whether the object itself is readable
      }
      return delta.length === size ? { baseOid, size, deflated, delta } : null;
    }
    return null;
  }

  close(): void {
    for (const pack of this.packs.splice(0)) fs.closeSync(pack.fd);
  }
}
