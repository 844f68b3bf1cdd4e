/**
 * A retraining policy: turns drift reports into a yes/no decision with reasons, with a
 * minimum amount of evidence and a cooldown so one incident does not trigger a retrain
 * storm. The application wires the decision to its own pipeline (a queue message, a CI
 * job, a `Trainer.fit` call).
 *
 * @module
 */
import { MlopsError } from '../errors';
import { parseDuration } from './options';
import type { DriftReport } from './report';

/** Options of {@link retrainWhen}. */
export interface RetrainPolicyOptions {
  /**
   * Retrain on drift [true]: the dataset verdict or prediction drift. `{ share }` uses
   * another drifted-feature share than the report's; `{ features }` retrains when any of
   * these features drifted.
   */
  drift?: boolean | { share?: number; features?: readonly string[] };
  /** Retrain on performance decay [true]; `{ metrics }` limits it to these metrics. */
  decay?: boolean | { metrics?: readonly string[] };
  /** Fewest rows in the window (and labelled rows, for decay) before acting [0]. */
  minRows?: number;
  /** Least time between two retrain decisions: milliseconds or `'6h'`, `'1d'` [0]. */
  cooldown?: number | string;
  /** Milliseconds since the epoch [`Date.now`]. */
  clock?: () => number;
}

/** What the policy decided. */
export interface RetrainDecision {
  /** Retrain now. */
  retrain: boolean;
  /** Why (the triggers found), also when blocked. */
  reasons: string[];
  /** What held a triggered retrain back. */
  blockedBy: 'cooldown' | 'min-rows' | null;
  /** During a cooldown: when the next retrain may happen (ISO time). */
  nextAllowedAt: string | null;
}

/** A stateful policy; see {@link retrainWhen}. */
export interface RetrainPolicy {
  /** Decides on a report; a `retrain: true` decision starts the cooldown. */
  decide(report: DriftReport): RetrainDecision;
  /** Forgets the last retrain (ends the cooldown). */
  reset(): void;
  /** Epoch ms of the last `retrain: true` decision, or null. */
  readonly lastRetrainAt: number | null;
}

/**
 * Builds a retraining policy.
 *
 * @example
 * ```ts
 * import { DriftMonitor, retrainWhen } from 'mlops-kit';
 * const policy = retrainWhen({ drift: true, decay: true, minRows: 5000, cooldown: '1d' });
 * monitor.on('check', (report) => {
 *   const decision = policy.decide(report);
 *   if (decision.retrain) queue.send({ job: 'retrain-fraud', reasons: decision.reasons });
 * });
 * ```
 */
export function retrainWhen(options: RetrainPolicyOptions = {}): RetrainPolicy {
  const clock = options.clock ?? Date.now;
  const cooldown = options.cooldown === undefined || options.cooldown === 0 ? 0 : parseDuration(options.cooldown, 'retrainWhen cooldown');
  const minRows = options.minRows ?? 0;
  if (!Number.isSafeInteger(minRows) || minRows < 0) throw new MlopsError('INVALID_ARGUMENT', `retrainWhen: minRows must be a non-negative integer, got ${String(minRows)}.`);
  const drift = options.drift ?? true;
  const decay = options.decay ?? true;
  const share = typeof drift === 'object' ? drift.share : undefined;
  if (share !== undefined && !(share >= 0 && share <= 1)) throw new MlopsError('INVALID_ARGUMENT', `retrainWhen: drift.share must be in [0, 1], got ${share}.`);
  let last: number | null = null;

  const triggers = (report: DriftReport): { reasons: string[]; enoughRows: boolean } => {
    const reasons: string[] = [];
    let enoughRows = true;
    if (drift !== false && report.status === 'ok') {
      const evaluated = report.features.length - report.erroredFeatures.length;
      const datasetDrift = share === undefined ? report.drifted : report.driftedFeatures.length > 0 && report.driftShare >= share;
      if (datasetDrift) {
        reasons.push(`data drift: ${report.driftedFeatures.length} of ${evaluated} features drifted (${report.driftedFeatures.join(', ')})`);
      }
      const watched = typeof drift === 'object' ? drift.features ?? [] : [];
      for (const f of watched) if (report.driftedFeatures.includes(f) && !datasetDrift) reasons.push(`feature "${f}" drifted`);
      if (report.prediction?.drifted) reasons.push('prediction drift');
      if (reasons.length > 0 && report.window.rows < minRows) enoughRows = false;
    }
    const perf = report.performance;
    if (decay !== false && perf !== null) {
      const only = typeof decay === 'object' && decay.metrics ? new Set(decay.metrics) : null;
      const decayed = perf.metrics.filter((m) => m.decayed && (only === null || only.has(m.name)));
      for (const m of decayed) reasons.push(`${m.name} decayed: ${m.value.toPrecision(4)} vs baseline ${m.baseline?.toPrecision(4)}`);
      if (decayed.length > 0 && perf.labelled < minRows) enoughRows = false;
    }
    return { reasons, enoughRows };
  };

  return {
    decide(report) {
      const { reasons, enoughRows } = triggers(report);
      if (reasons.length === 0) return { retrain: false, reasons, blockedBy: null, nextAllowedAt: null };
      if (!enoughRows) return { retrain: false, reasons: [...reasons, `fewer than ${minRows} rows (minRows)`], blockedBy: 'min-rows', nextAllowedAt: null };
      const now = clock();
      if (last !== null && now - last < cooldown) {
        return { retrain: false, reasons, blockedBy: 'cooldown', nextAllowedAt: new Date(last + cooldown).toISOString() };
      }
      last = now;
      return { retrain: true, reasons, blockedBy: null, nextAllowedAt: null };
    },
    reset() {
      last = null;
    },
    get lastRetrainAt() {
      return last;
    },
  };
}
