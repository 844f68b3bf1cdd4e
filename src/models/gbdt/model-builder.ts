/**
 * Collects grown trees into the flat, raw-threshold layout of the model state (see
 * `predictor.ts` for the layout).
 *
 * @module
 * @internal
 */
import type { GbdtTrees } from './predictor';
import { NODE_CATEGORICAL } from './predictor';
import type { GrownTree } from './tree-grower';

/** Appends trees in training order. @internal */
export class ModelBuilder {
  private readonly treeStart: number[] = [0];
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly flags: number[] = [];
  private readonly cat: number[] = [];
  private readonly value: number[] = [];
  private readonly catBitset: number[] = [];
  /** Bitset length after each tree. */
  private readonly bitsetEnd: number[] = [0];

  /**
   * @param thresholds - Float32 bin upper bounds, 256 per feature.
   * @param catBinOf - per categorical feature, category code -> bin.
   */
  constructor(
    private readonly thresholds: Float32Array,
    private readonly catBinOf: readonly (Int32Array | null)[],
  ) {}

  /** Number of trees so far. */
  get numTrees(): number {
    return this.treeStart.length - 1;
  }

  /** Appends a tree; `values[id]` is the output of leaf `id` (learning rate included). */
  append(tree: GrownTree, values: Float64Array): void {
    const base = this.feature.length;
    for (let id = 0; id < tree.size; id++) {
      const f = tree.feature[id];
      if (f < 0) {
        this.push(-1, 0, -1, -1, 0, -1, values[id]);
        continue;
      }
      const flags = tree.flags[id];
      let thr = 0;
      let cat = -1;
      if ((flags & NODE_CATEGORICAL) !== 0) {
        const binOf = this.catBinOf[f]!;
        const mask = tree.catMask[id]!;
        cat = this.catBitset.length;
        const words = Math.ceil(binOf.length / 32);
        for (let w = 0; w < words; w++) this.catBitset.push(0);
        for (let c = 0; c < binOf.length; c++) {
          const b = binOf[c];
          if (((mask[b >>> 5] >>> (b & 31)) & 1) === 1) this.catBitset[cat + (c >>> 5)] |= 1 << (c & 31);
        }
      } else {
        thr = this.thresholds[f * 256 + tree.bin[id]];
      }
      this.push(f, thr, base + tree.left[id], base + tree.right[id], flags, cat, 0);
    }
    this.treeStart.push(this.feature.length);
    this.bitsetEnd.push(this.catBitset.length);
  }

  private push(f: number, thr: number, l: number, r: number, flags: number, cat: number, value: number): void {
    this.feature.push(f);
    this.threshold.push(thr);
    this.left.push(l);
    this.right.push(r);
    this.flags.push(flags);
    this.cat.push(cat);
    this.value.push(value);
  }

  /** The first `numTrees` trees as typed arrays. */
  build(baseScore: Float64Array, numTrees: number): GbdtTrees {
    const n = this.treeStart[numTrees];
    const words = this.bitsetEnd[numTrees];
    return {
      baseScore: Float64Array.from(baseScore),
      treeStart: Int32Array.from(this.treeStart.slice(0, numTrees + 1)),
      feature: Int32Array.from(this.feature.slice(0, n)),
      threshold: Float32Array.from(this.threshold.slice(0, n)),
      left: Int32Array.from(this.left.slice(0, n)),
      right: Int32Array.from(this.right.slice(0, n)),
      flags: Uint8Array.from(this.flags.slice(0, n)),
      cat: Int32Array.from(this.cat.slice(0, n)),
      catBitset: Uint32Array.from(this.catBitset.slice(0, words)),
      value: Float64Array.from(this.value.slice(0, n)),
    };
  }
}
