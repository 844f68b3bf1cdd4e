/**
 * A one-line progress bar on a terminal (stderr), redrawn in place; nothing at all when
 * stderr is not a terminal (CI logs, pipes), so logs stay clean.
 *
 * @module
 */
import type { TextSink } from './context';

/** A progress bar. */
export interface Progress {
  /** Shows `done` of `total` with a note (loss, ETA). */
  update(done: number, total: number | undefined, note: string): void;
  /** Clears the line. */
  end(): void;
}

const NONE: Progress = { update: () => undefined, end: () => undefined };

/** A progress bar on `out` when it is a terminal, else a no-op. */
export function progressBar(out: TextSink, label: string): Progress {
  if (out.isTTY !== true) return NONE;
  let last = 0;
  let shown = false;
  return {
    update(done, total, note) {
      const now = Date.now();
      if (now - last < 80 && total !== undefined && done < total) return;
      last = now;
      const width = 24;
      const bar = total === undefined || total === 0 ? '' : `[${'#'.repeat(Math.round((done / total) * width)).padEnd(width, '-')}] `;
      const text = `${label} ${bar}${done}${total === undefined ? '' : `/${total}`} ${note}`;
      out.write(`\r${text.slice(0, (out.columns ?? 100) - 1)}\u001b[K`);
      shown = true;
    },
    end() {
      if (shown) out.write('\r\u001b[K');
    },
  };
}
