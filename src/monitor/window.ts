/**
 * Windows: the stream is cut into panes of `slide` rows (count windows) or `slide`
 * milliseconds aligned to the epoch (time windows); a window is the last `size / slide`
 * panes. Only those panes (plus the one being filled) are kept, so memory is bounded by
 * the window, not by the traffic.
 *
 * `check()` evaluates the most recent *complete* window. Until one exists (a monitor that
 * has seen fewer than `size` rows, or has run for less than `size` time), it evaluates
 * everything retained, including the pane being filled, and says so (`complete: false`).
 *
 * @module
 */
import type { FeatureState } from './feature-state';
import type { PerformanceState } from './performance';
import type { ResolvedWindow } from './options';

/** The state of one pane. @internal */
export interface Pane {
  key: number;
  rows: number;
  features: FeatureState[];
  prediction: FeatureState | null;
  labels: FeatureState | null;
  performance: PerformanceState | null;
}

/** A run of batch rows `[start, end)` that belongs to pane `key`. @internal */
export interface Segment {
  key: number;
  start: number;
  end: number;
}

/** The panes a check evaluates. @internal */
export interface WindowSelection {
  panes: Pane[];
  complete: boolean;
  /** Time windows: [startMs, endMs). */
  start: number | null;
  end: number | null;
}

/** Keeps the panes of a monitor. @internal */
export class PaneStore {
  readonly panes = new Map<number, Pane>();
  /** Count windows: key of the pane being filled and its rows. */
  current = 0;
  filled = 0;
  /** Smallest key ever created (time windows: when the monitor started). */
  firstKey: number | null = null;
  /** The oldest key kept by the last prune. */
  private pruned = -Infinity;

  constructor(
    readonly spec: ResolvedWindow,
    private readonly create: (key: number) => Pane,
  ) {}

  /** The pane of `key`, created when needed. */
  pane(key: number): Pane {
    let p = this.panes.get(key);
    if (p === undefined) {
      p = this.create(key);
      this.panes.set(key, p);
      if (this.firstKey === null || key < this.firstKey) this.firstKey = key;
    }
    return p;
  }

  /** Count windows: cuts `n` new rows into pane segments and advances the counters. */
  countSegments(n: number): Segment[] {
    const out: Segment[] = [];
    let i = 0;
    while (i < n) {
      const take = Math.min(n - i, this.spec.slide - this.filled);
      out.push({ key: this.current, start: i, end: i + take });
      this.filled += take;
      i += take;
      if (this.filled >= this.spec.slide) {
        this.current++;
        this.filled = 0;
      }
    }
    return out;
  }

  /** Time windows: the pane key of a timestamp. */
  timeKey(ms: number): number {
    return Math.floor(ms / this.spec.slide);
  }

  /** Time windows: whether a pane key can still be stored at time `now` (not too old, not too far ahead). */
  accepts(key: number, now: number): boolean {
    const nowKey = this.timeKey(now);
    return key >= nowKey - this.spec.panes && key <= nowKey + this.spec.panes;
  }

  /** Drops panes that can no longer be part of a window. */
  prune(now: number): void {
    const oldest = (this.spec.type === 'count' ? this.current : this.timeKey(now)) - this.spec.panes;
    if (oldest === this.pruned && this.panes.size <= this.spec.panes + 1) return;
    this.pruned = oldest;
    for (const key of [...this.panes.keys()]) if (key < oldest) this.panes.delete(key);
  }

  /** The panes of the window to evaluate at time `now`. */
  select(now: number): WindowSelection {
    const w = this.spec.panes;
    const newest = this.spec.type === 'count' ? this.current : this.timeKey(now);
    const started = this.firstKey ?? newest;
    const complete = started <= newest - w;
    const lo = newest - w;
    const hi = complete ? newest - 1 : newest;
    const panes = [...this.panes.values()].filter((p) => p.key >= lo && p.key <= hi).sort((a, b) => a.key - b.key);
    const time = this.spec.type === 'time';
    return {
      panes,
      complete,
      start: time ? (complete ? lo : Math.max(lo, started)) * this.spec.slide : null,
      end: time ? (hi + 1) * this.spec.slide : null,
    };
  }
}
