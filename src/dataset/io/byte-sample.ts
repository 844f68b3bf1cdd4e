/**
 * The first rows of a CSV kept as raw bytes (cell by cell, in one growing buffer) until
 * the column types are known, so a sampled cell becomes a string only if its column
 * turns out to need one.
 *
 * @module
 */

/** @internal */
export class ByteSample {
  /** The copied cell bytes. */
  bytes = new Uint8Array(1 << 16);
  /** Per cell: start in `bytes`, or -1 for a cell the row did not have. */
  starts = new Int32Array(1024);
  /** Per cell: end in `bytes`. */
  ends = new Int32Array(1024);
  /** Per cell: the tokenizer's field flags. */
  flags = new Uint8Array(1024);
  /** Per cell: the tokenizer's parsed number, or `NaN`. */
  values = new Float64Array(1024);
  /** Cells added so far. */
  count = 0;
  private used = 0;

  /** Copies the cell `buf[start, end)`, with its flags and parsed value. */
  add(buf: Uint8Array, start: number, end: number, flags: number, value: number): void {
    const length = end - start;
    if (this.used + length > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.used + length));
      next.set(this.bytes.subarray(0, this.used));
      this.bytes = next;
    }
    this.bytes.set(buf.subarray(start, end), this.used);
    this.record(this.used, this.used + length, flags, value);
    this.used += length;
  }

  /** Records a cell the row did not have (a padded short row). */
  addAbsent(): void {
    this.record(-1, -1, 0, NaN);
  }

  private record(start: number, end: number, flags: number, value: number): void {
    const k = this.count;
    if (k === this.starts.length) {
      const grow = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => {
        const next = new (a.constructor as { new (n: number): T })(a.length * 2);
        next.set(a);
        return next;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.flags = grow(this.flags);
      this.values = grow(this.values);
    }
    this.starts[k] = start;
    this.ends[k] = end;
    this.flags[k] = flags;
    this.values[k] = value;
    this.count = k + 1;
  }
}
