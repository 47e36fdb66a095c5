// A least-recently-used cache of built objects, bounded by their bytes: the bases that neighbouring
// deltas in a pack share, so a walk through history inflates each base once.

/** Recently built objects by pack position: the bases that neighbouring deltas share. */
export class ObjectCache<T extends { content: Uint8Array }> {
  private readonly entries = new Map<string, T>();
  private bytes = 0;

  constructor(private readonly budget: number) {}

  get(key: string): T | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key); // re-insert: a Map iterates oldest first, which is what we evict
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: T): void {
    if (value.content.byteLength > this.budget / 4 || this.entries.has(key)) return;
    this.entries.set(key, value);
    this.bytes += value.content.byteLength;
    for (const [oldKey, old] of this.entries) {
      if (this.bytes <= this.budget) break;
      this.entries.delete(oldKey);
      this.bytes -= old.content.byteLength;
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
