/**
 * Grows one regression tree on the binned matrix from the gradient pairs in node order.
 *
 * Depth-wise growth splits every splittable node of a level at once (XGBoost's
 * default); loss-guided growth always splits the open leaf with the largest gain
 * (LightGBM's). Both use the histogram subtraction trick: after a split, only the child
 * with fewer rows gets its histograms built; the other one's are the parent's minus
 * those, computed in place in the parent's histogram slot. Work goes to the task
 * runner in phases: partition the rows of the nodes being split, then build, subtract
 * and search splits per (node pair, feature group).
 *
 * @module
 * @internal
 */
import { MlopsError } from '../../errors';
import type { Rng } from '../../random';
import type { TaskRunner } from './worker-pool';

/** Growth settings (from the resolved parameters). @internal */
export interface GrowOptions {
  growPolicy: 'depthwise' | 'lossguide';
  maxDepth: number;
  maxLeaves: number;
  minSamplesLeaf: number;
  minChildWeight: number;
  lambda: number;
  minSplitGain: number;
  colsampleByNode: number;
}

/** Splits with a smaller loss reduction are not made (XGBoost's kRtEps). */
const MIN_GAIN = 1e-6;

/** A tree in bin space, nodes in creation order (0 is the root). @internal */
export class GrownTree {
  /** Feature tested; -1 for a leaf. */
  readonly feature: number[] = [];
  /** Numeric split: bins <= this go left. */
  readonly bin: number[] = [];
  /** NODE_DEFAULT_LEFT | NODE_CATEGORICAL. */
  readonly flags: number[] = [];
  /** Categorical split: mask of the bins that go left. */
  readonly catMask: (Uint32Array | null)[] = [];
  readonly left: number[] = [];
  readonly right: number[] = [];
  /** Loss reduction of the split (internal nodes). */
  readonly gain: number[] = [];
  /** Gradient and hessian sums of the node's rows. */
  readonly G: number[] = [];
  readonly H: number[] = [];
  /** The node's rows are idx[start..end). */
  readonly start: number[] = [];
  readonly end: number[] = [];

  /** Appends a leaf and returns its id. */
  add(start: number, end: number, G: number, H: number): number {
    const id = this.feature.length;
    this.feature.push(-1);
    this.bin.push(0);
    this.flags.push(0);
    this.catMask.push(null);
    this.left.push(-1);
    this.right.push(-1);
    this.gain.push(0);
    this.G.push(G);
    this.H.push(H);
    this.start.push(start);
    this.end.push(end);
    return id;
  }

  /** Number of nodes. */
  get size(): number {
    return this.feature.length;
  }
}

interface Split {
  gain: number;
  feature: number;
  bin: number;
  flags: number;
  GL: number;
  HL: number;
  mask: Uint32Array | null;
}

interface Open {
  id: number;
  depth: number;
  slot: number;
  split: Split | null;
}

interface Pair {
  parent: Open;
  left: Open;
  right: Open;
}

/**
 * Grows trees with one task runner. Holds the histogram-slot allocator and the split
 * settings written to the shared config.
 * @internal
 */
export class TreeGrower {
  private readonly free: number[] = [];
  private numActive = 0;
  private groupSize = 8;

  constructor(
    private readonly runner: TaskRunner,
    private readonly opts: GrowOptions,
    readonly slots: number,
    private readonly rng: Rng,
    catSmooth: number,
  ) {
    const cfg = runner.v.cfg;
    cfg[0] = opts.lambda;
    cfg[1] = opts.minChildWeight;
    cfg[2] = opts.minSamplesLeaf;
    cfg[3] = catSmooth;
  }

  /** Sets the features this tree may use (written to the shared `active` list). */
  setActive(features: ArrayLike<number>): void {
    this.runner.v.active.set(features);
    this.numActive = features.length;
    // Enough groups to keep every thread busy at the root, at most 8 features each.
    const groups = Math.max(Math.ceil(this.numActive / 8), Math.min(this.numActive, 2 * this.runner.threads));
    this.groupSize = Math.max(1, Math.ceil(this.numActive / Math.max(1, groups)));
  }

  /**
   * Grows a tree over the rows in idx[0..n) (ascending) with the gradient pairs in `gh`;
   * `sequential` when idx is 0..n-1 (lets the root histograms stream the bins).
   */
  grow(n: number, sequential: boolean): GrownTree {
    const v = this.runner.v;
    const tree = new GrownTree();
    const [G, H] = this.runner.K.sums(v, n, sequential);
    tree.add(0, n, G, H);
    const root: Open = { id: 0, depth: 0, slot: -1, split: null };
    if (this.numActive === 0 || !this.canSplit(tree, root)) return tree;
    this.free.length = 0;
    for (let s = this.slots - 1; s >= 0; s--) this.free.push(s);
    root.slot = this.alloc();
    this.prepare(tree, root);
    // The root of all rows, the largest node, in groups of at most four features (the
    // SIMD kernel takes four at a time on consecutive rows): more tasks even out the
    // threads.
    const rootGroup = sequential ? Math.min(this.groupSize, 4) : this.groupSize;
    let t = 0;
    for (let g = 0; g < this.numActive; g += rootGroup) {
      this.histTask(t++, 0, n, root.slot, -1, g, Math.min(rootGroup, this.numActive - g), (sequential ? 1 : 0) | 2);
    }
    this.runner.run(t);
    root.split = this.readSplit(root);
    if (this.opts.growPolicy === 'depthwise') this.depthwise(tree, root);
    else this.lossguide(tree, root);
    return tree;
  }

  private depthwise(tree: GrownTree, root: Open): void {
    const { maxLeaves } = this.opts;
    let level: Open[] = [root];
    let leaves = 1;
    while (level.length > 0) {
      let cands = level.filter((o) => o.split !== null);
      if (maxLeaves > 0 && cands.length > maxLeaves - leaves) {
        cands = [...cands]
          .sort((a, b) => b.split!.gain - a.split!.gain || a.id - b.id)
          .slice(0, Math.max(0, maxLeaves - leaves))
          .sort((a, b) => a.id - b.id);
      }
      for (const o of level) if (!cands.includes(o)) this.release(o);
      if (cands.length === 0) return;
      const pairs = this.partition(tree, cands);
      leaves += cands.length;
      level = this.buildChildren(tree, pairs, maxLeaves > 0 && leaves >= maxLeaves);
    }
  }

  private lossguide(tree: GrownTree, root: Open): void {
    const open: Open[] = root.split !== null ? [root] : [];
    if (root.split === null) this.release(root);
    let leaves = 1;
    while (leaves < this.opts.maxLeaves && open.length > 0) {
      let bi = 0;
      for (let i = 1; i < open.length; i++) {
        const a = open[i].split!.gain;
        const b = open[bi].split!.gain;
        if (a > b || (a === b && open[i].id < open[bi].id)) bi = i;
      }
      const best = open.splice(bi, 1)[0];
      const pairs = this.partition(tree, [best]);
      leaves++;
      open.push(...this.buildChildren(tree, pairs, leaves >= this.opts.maxLeaves));
    }
    for (const o of open) this.release(o);
  }

  /** Partitions the rows of the nodes to split and records the splits; returns the child pairs. */
  private partition(tree: GrownTree, cands: Open[]): Pair[] {
    const { K, v } = this.runner;
    cands.forEach((o, i) => {
      const sp = o.split!;
      const t = this.runner.task(i);
      const T = v.tasks;
      T[t] = K.PARTITION;
      T[t + 1] = tree.start[o.id];
      T[t + 2] = tree.end[o.id];
      T[t + 3] = sp.feature;
      T[t + 4] = sp.bin;
      T[t + 5] = sp.flags;
      T[t + 6] = o.slot;
      if (sp.mask !== null) {
        v.catLeft.set(sp.mask, o.slot * 8);
        const nb = v.numBins[sp.feature];
        if ((sp.flags & K.FLAG_DEFAULT_LEFT) !== 0) v.catLeft[o.slot * 8 + (nb >>> 5)] |= 1 << (nb & 31);
      }
    });
    this.runner.run(cands.length);
    return cands.map((o, i) => {
      const sp = o.split!;
      const id = o.id;
      const mid = v.tasks[this.runner.task(i) + 8];
      const l = tree.add(tree.start[id], mid, sp.GL, sp.HL);
      const r = tree.add(mid, tree.end[id], tree.G[id] - sp.GL, tree.H[id] - sp.HL);
      tree.feature[id] = sp.feature;
      tree.bin[id] = sp.bin;
      tree.flags[id] = sp.flags;
      tree.catMask[id] = sp.mask;
      tree.gain[id] = sp.gain;
      tree.left[id] = l;
      tree.right[id] = r;
      return { parent: o, left: { id: l, depth: o.depth + 1, slot: -1, split: null }, right: { id: r, depth: o.depth + 1, slot: -1, split: null } };
    });
  }

  /**
   * Builds the histograms of the children that may split further (smaller child built,
   * larger one by subtraction) and finds their best splits. Returns those children.
   */
  private buildChildren(tree: GrownTree, pairs: Pair[], leavesExhausted: boolean): Open[] {
    const count = (o: Open): number => tree.end[o.id] - tree.start[o.id];
    const jobs: { small: Open; large: Open; needSmall: boolean; needLarge: boolean }[] = [];
    for (const p of pairs) {
      const needL = !leavesExhausted && this.canSplit(tree, p.left);
      const needR = !leavesExhausted && this.canSplit(tree, p.right);
      if (!needL && !needR) {
        this.release(p.parent);
        continue;
      }
      const leftSmall = count(p.left) <= count(p.right);
      const small = leftSmall ? p.left : p.right;
      const large = leftSmall ? p.right : p.left;
      const needSmall = leftSmall ? needL : needR;
      const needLarge = leftSmall ? needR : needL;
      if (needLarge) {
        large.slot = p.parent.slot;
      } else {
        this.release(p.parent);
      }
      p.parent.slot = -1;
      small.slot = this.alloc();
      this.prepare(tree, small);
      if (needLarge) this.prepare(tree, large);
      jobs.push({ small, large, needSmall, needLarge });
    }
    jobs.sort((a, b) => count(b.small) - count(a.small) || a.small.id - b.small.id);
    let t = 0;
    for (const j of jobs) {
      for (let g = 0; g < this.numActive; g += this.groupSize) {
        this.histTask(t++, tree.start[j.small.id], tree.end[j.small.id], j.small.slot, j.needLarge ? j.large.slot : -1, g, Math.min(this.groupSize, this.numActive - g), (j.needSmall ? 2 : 0) | (j.needLarge ? 4 : 0));
      }
    }
    this.runner.run(t);
    const next: Open[] = [];
    for (const j of jobs) {
      for (const [o, need] of [
        [j.small, j.needSmall],
        [j.large, j.needLarge],
      ] as const) {
        if (!need) {
          if (o.slot >= 0) this.release(o);
          continue;
        }
        o.split = this.readSplit(o);
        if (o.split === null) this.release(o);
        else next.push(o);
      }
    }
    return next.sort((a, b) => a.id - b.id);
  }

  private histTask(i: number, s: number, e: number, small: number, large: number, g0: number, gc: number, flags: number): void {
    const { K, v } = this.runner;
    const t = this.runner.task(i);
    const T = v.tasks;
    T[t] = K.HIST;
    T[t + 1] = s;
    T[t + 2] = e;
    T[t + 3] = small;
    T[t + 4] = large;
    T[t + 5] = g0;
    T[t + 6] = gc;
    T[t + 7] = flags;
  }

  private canSplit(tree: GrownTree, o: Open): boolean {
    const { maxDepth, minSamplesLeaf, minChildWeight } = this.opts;
    const n = tree.end[o.id] - tree.start[o.id];
    return (maxDepth === 0 || o.depth < maxDepth) && n >= 2 * minSamplesLeaf && n >= 2 && tree.H[o.id] >= 2 * minChildWeight;
  }

  /** Writes the node's totals and its feature mask (colsampleByNode) for its slot. */
  private prepare(tree: GrownTree, o: Open): void {
    const v = this.runner.v;
    const F = v.F;
    const s = o.slot;
    v.nodeStats[s * 3] = tree.G[o.id];
    v.nodeStats[s * 3 + 1] = tree.H[o.id];
    v.nodeStats[s * 3 + 2] = tree.end[o.id] - tree.start[o.id];
    const mask = v.nodeMask;
    const frac = this.opts.colsampleByNode;
    const n = this.numActive;
    if (frac >= 1) {
      for (let j = 0; j < n; j++) mask[s * F + v.active[j]] = 1;
      return;
    }
    for (let j = 0; j < n; j++) mask[s * F + v.active[j]] = 0;
    const pick = Math.max(1, Math.round(frac * n));
    const order = this.rng.permutation(n);
    for (let j = 0; j < pick; j++) mask[s * F + v.active[order[j]]] = 1;
  }

  /** The best split over the active features (sorted ascending, so ties go to the lowest), or null. */
  private readSplit(o: Open): Split | null {
    const { K, v } = this.runner;
    const F = v.F;
    const sp = v.splits;
    let best = -Infinity;
    let bf = -1;
    for (let j = 0; j < this.numActive; j++) {
      const f = v.active[j];
      const g = sp[(o.slot * F + f) * K.SPLIT_WORDS];
      if (g > best) {
        best = g;
        bf = f;
      }
    }
    if (bf < 0 || !(best > this.opts.minSplitGain) || !(best > MIN_GAIN)) return null;
    const r = (o.slot * F + bf) * K.SPLIT_WORDS;
    const flags = sp[r + 2];
    const split: Split = { gain: best, feature: bf, bin: sp[r + 1], flags, GL: sp[r + 3], HL: sp[r + 4], mask: null };
    if ((flags & K.FLAG_CATEGORICAL) !== 0) split.mask = this.categoryMask(o.slot, bf, split.bin, (flags & K.FLAG_DEFAULT_LEFT) !== 0);
    return split;
  }

  /** Bins sent left by a categorical split: the first `k` in gradient-ratio order, plus absent ones when missing goes left. */
  private categoryMask(slot: number, f: number, k: number, defaultLeft: boolean): Uint32Array {
    const { K, v } = this.runner;
    const sc = K.scratchOf(v, 0);
    const m = K.categoryOrder(v, slot, f, sc);
    const mask = new Uint32Array(8);
    for (let i = 0; i < k; i++) mask[sc.order[i] >>> 5] |= 1 << (sc.order[i] & 31);
    if (defaultLeft) {
      const present = new Uint8Array(256);
      for (let i = 0; i < m; i++) present[sc.order[i]] = 1;
      for (let b = 0; b < v.numBins[f]; b++) if (!present[b]) mask[b >>> 5] |= 1 << (b & 31);
    }
    return mask;
  }

  private alloc(): number {
    const s = this.free.pop();
    if (s === undefined) throw new MlopsError('INTERNAL', 'gbdt: out of histogram slots.');
    return s;
  }

  private release(o: Open): void {
    if (o.slot >= 0) {
      this.free.push(o.slot);
      o.slot = -1;
    }
  }
}

/**
 * Histogram slots a tree can need at once: one per leaf that may still split, plus one.
 * @internal
 */
export function slotsNeeded(opts: GrowOptions, rows: number): number {
  const byDepth = opts.maxDepth > 0 ? 2 ** Math.max(0, opts.maxDepth - 1) : Infinity;
  const byLeaves = opts.maxLeaves > 0 ? opts.maxLeaves : Infinity;
  // Every split node has >= 2 * minSamplesLeaf rows and holds at most two slots.
  const byRows = Math.ceil(rows / opts.minSamplesLeaf);
  return Math.min(byDepth, byLeaves, byRows) + 1;
}

/**
 * The leaf a row reaches, walking the tree in bin space over a feature-major binned
 * matrix of `n` rows (used for rows outside the tree's sample and for validation rows).
 * @internal
 */
export function leafOfBinned(tree: GrownTree, bins: Uint8Array, n: number, row: number, numBins: Int32Array): number {
  let id = 0;
  while (tree.feature[id] >= 0) {
    const f = tree.feature[id];
    const b = bins[f * n + row];
    const flags = tree.flags[id];
    let left: boolean;
    if (b === numBins[f]) left = (flags & 1) !== 0;
    else if ((flags & 2) !== 0) left = ((tree.catMask[id]![b >>> 5] >>> (b & 31)) & 1) === 1;
    else left = b <= tree.bin[id];
    id = left ? tree.left[id] : tree.right[id];
  }
  return id;
}
