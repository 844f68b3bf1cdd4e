/**
 * A minimal typed event emitter (no Node dependency, so the monitor runs on edge runtimes).
 *
 * @module
 */
import type { DriftReport } from './report';

/** Payloads of the monitor's events. */
export interface MonitorEvents {
  /** Every check, with its report. */
  check: DriftReport;
  /** Drift started: the dataset verdict, prediction drift or label drift became true. */
  drift: DriftReport;
  /** Performance decay started. */
  decay: DriftReport;
  /** A signal that was alerting (`'drift'` or `'decay'`) is back to normal. */
  recovered: DriftReport;
}

/** The event names. */
export type MonitorEventName = keyof MonitorEvents;

/** Handlers receive the report and, for `recovered`, which signal recovered. */
export type MonitorEventHandler<E extends MonitorEventName> = (report: MonitorEvents[E], signal: E extends 'recovered' ? 'drift' | 'decay' : E) => void;

/** @internal */
export class Emitter {
  private handlers = new Map<MonitorEventName, Set<(report: DriftReport, signal: string) => void>>();

  on<E extends MonitorEventName>(event: E, handler: MonitorEventHandler<E>): () => void {
    let set = this.handlers.get(event);
    if (set === undefined) this.handlers.set(event, (set = new Set()));
    const h = handler as unknown as (report: DriftReport, signal: string) => void;
    set.add(h);
    return () => set!.delete(h);
  }

  emit(event: MonitorEventName, report: DriftReport, signal: string = event): void {
    for (const h of [...(this.handlers.get(event) ?? [])]) h(report, signal);
  }
}
