/**
 * Inline SVG charts for HTML reports: line and step plots with axes, ticks, grid and a
 * legend, and histograms. Pure string building, no DOM, no script.
 *
 * @module
 */
import { escapeHtml, formatNumber } from './html';

/** Colours for series, in order. */
export const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac', '#eeca3b'];

/** "Nice" tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

/** One line of a {@link linePlot}. */
export interface PlotSeries {
  /** Legend text. */
  name: string;
  /** X values. */
  x: ArrayLike<number>;
  /** Y values. */
  y: ArrayLike<number>;
  /** Stroke colour (default: the palette in order). */
  color?: string;
  /** Dashed line (reference lines). */
  dashed?: boolean;
  /** Draw as a step function (horizontal, then vertical). */
  step?: boolean;
  /** Draw a dot at each point. */
  markers?: boolean;
}

/** Options of {@link linePlot}. */
export interface LinePlotOptions {
  /** Title above the plot (also the SVG's accessible name). */
  title: string;
  /** X axis label. */
  xLabel: string;
  /** Y axis label. */
  yLabel: string;
  /** Series to draw. */
  series: readonly PlotSeries[];
  /** X range (default: the data's). */
  xDomain?: [number, number];
  /** Y range (default: the data's). */
  yDomain?: [number, number];
  /** Pixels (default 380 x 320). */
  width?: number;
  height?: number;
  /** Corner of the plot area holding the legend (default `top-right`); put it where the data is not. */
  legend?: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
}

const MARGIN = { left: 52, right: 14, top: 28, bottom: 44 };

function extent(values: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    for (let i = 0; i < v.length; i++) {
      if (Number.isFinite(v[i])) {
        if (v[i] < lo) lo = v[i];
        if (v[i] > hi) hi = v[i];
      }
    }
  }
  if (!(hi >= lo)) return [0, 1];
  if (hi === lo) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

const r2 = (v: number): string => (Math.round(v * 100) / 100).toString();

interface Frame {
  width: number;
  height: number;
  sx: (v: number) => number;
  sy: (v: number) => number;
  axes: string;
}

function frame(title: string, xLabel: string, yLabel: string, xd: [number, number], yd: [number, number], width: number, height: number): Frame {
  const pw = width - MARGIN.left - MARGIN.right;
  const ph = height - MARGIN.top - MARGIN.bottom;
  const sx = (v: number): number => MARGIN.left + ((v - xd[0]) / (xd[1] - xd[0])) * pw;
  const sy = (v: number): number => MARGIN.top + ph - ((v - yd[0]) / (yd[1] - yd[0])) * ph;
  const parts: string[] = [];
  parts.push(`<text x="${width / 2}" y="17" text-anchor="middle" font-size="13" font-weight="600">${escapeHtml(title)}</text>`);
  for (const t of niceTicks(xd[0], xd[1])) {
    const x = r2(sx(t));
    parts.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + ph}" stroke="#eef0f3"/>`);
    parts.push(`<text x="${x}" y="${MARGIN.top + ph + 15}" text-anchor="middle" font-size="10" fill="#556">${formatNumber(t, 3)}</text>`);
  }
  for (const t of niceTicks(yd[0], yd[1])) {
    const y = r2(sy(t));
    parts.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + pw}" y2="${y}" stroke="#eef0f3"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y}" dy="3" text-anchor="end" font-size="10" fill="#556">${formatNumber(t, 3)}</text>`);
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${pw}" height="${ph}" fill="none" stroke="#99a"/>`);
  parts.push(`<text x="${MARGIN.left + pw / 2}" y="${height - 8}" text-anchor="middle" font-size="11">${escapeHtml(xLabel)}</text>`);
  parts.push(`<text transform="translate(13 ${MARGIN.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="11">${escapeHtml(yLabel)}</text>`);
  return { width, height, sx, sy, axes: parts.join('') };
}

function svgDoc(f: Frame, title: string, content: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}"><title>${escapeHtml(title)}</title>${f.axes}${content}</svg>`;
}

/** A line (or step) plot with axes, grid, ticks and a legend, as an SVG element. */
export function linePlot(o: LinePlotOptions): string {
  const width = o.width ?? 380;
  const height = o.height ?? 320;
  const xd = o.xDomain ?? extent(o.series.map((s) => s.x));
  const yd = o.yDomain ?? extent(o.series.map((s) => s.y));
  const f = frame(o.title, o.xLabel, o.yLabel, xd, yd, width, height);
  const lines: string[] = [];
  const legend: { color: string; dashed: boolean; name: string }[] = [];
  o.series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    const pts: string[] = [];
    let prev: [number, number] | undefined;
    for (let i = 0; i < s.x.length; i++) {
      if (!Number.isFinite(s.x[i]) || !Number.isFinite(s.y[i])) continue;
      const x = r2(f.sx(s.x[i]));
      const y = r2(f.sy(s.y[i]));
      if (prev === undefined) pts.push(`M${x} ${y}`);
      else if (s.step) pts.push(`L${x} ${prev[1]}L${x} ${y}`);
      else pts.push(`L${x} ${y}`);
      prev = [Number(x), Number(y)];
    }
    if (pts.length > 0) {
      lines.push(`<path d="${pts.join('')}" fill="none" stroke="${color}" stroke-width="${s.dashed ? 1.2 : 2}"${s.dashed ? ' stroke-dasharray="5 4"' : ''}><title>${escapeHtml(s.name)}</title></path>`);
    }
    if (s.markers) {
      for (let i = 0; i < s.x.length; i++) {
        if (Number.isFinite(s.x[i]) && Number.isFinite(s.y[i])) lines.push(`<circle cx="${r2(f.sx(s.x[i]))}" cy="${r2(f.sy(s.y[i]))}" r="3" fill="${color}"/>`);
      }
    }
    legend.push({ color, dashed: s.dashed === true, name: s.name.length > 22 ? `${s.name.slice(0, 21)}…` : s.name });
  });
  const corner = o.legend ?? 'top-right';
  const boxW = 132;
  const boxH = legend.length * 15 + 4;
  const bx = corner.endsWith('left') ? MARGIN.left + 4 : width - MARGIN.right - boxW - 4;
  const by = corner.startsWith('top') ? MARGIN.top + 4 : height - MARGIN.bottom - boxH - 4;
  const legendBox =
    legend.length > 0
      ? `<rect x="${bx}" y="${by}" width="${boxW}" height="${boxH}" fill="#fff" fill-opacity="0.85" stroke="#dde"/>${legend
          .map((l, i) => {
            const ly = by + 13 + i * 15;
            return `<line x1="${bx + 4}" y1="${ly - 4}" x2="${bx + 20}" y2="${ly - 4}" stroke="${l.color}" stroke-width="2"${l.dashed ? ' stroke-dasharray="4 3"' : ''}/><text x="${bx + 24}" y="${ly}" font-size="10">${escapeHtml(l.name)}</text>`;
          })
          .join('')}`
      : '';
  return svgDoc(f, o.title, `<g>${lines.join('')}</g>${legendBox}`);
}

/** Options of {@link histogramPlot}. */
export interface HistogramOptions {
  /** Title above the plot. */
  title: string;
  /** X axis label. */
  xLabel: string;
  /** Y axis label (default "rows"). */
  yLabel?: string;
  /** Bin edges (`counts.length + 1` values, increasing). */
  edges: readonly number[];
  /** Count per bin. */
  counts: readonly number[];
  /** Bar colour. */
  color?: string;
  /** Pixels (default 380 x 260). */
  width?: number;
  height?: number;
}

/** A histogram as an SVG element: one bar per bin. */
export function histogramPlot(o: HistogramOptions): string {
  const width = o.width ?? 380;
  const height = o.height ?? 260;
  const xd: [number, number] = [o.edges[0], o.edges[o.edges.length - 1]];
  const yd: [number, number] = [0, Math.max(1, ...o.counts)];
  const f = frame(o.title, o.xLabel, o.yLabel ?? 'rows', xd, yd, width, height);
  const color = o.color ?? PALETTE[0];
  const bars = o.counts
    .map((c, i) => {
      const x0 = f.sx(o.edges[i]);
      const x1 = f.sx(o.edges[i + 1]);
      const y = f.sy(c);
      return `<rect x="${r2(x0 + 0.5)}" y="${r2(y)}" width="${r2(Math.max(0.5, x1 - x0 - 1))}" height="${r2(f.sy(0) - y)}" fill="${color}" fill-opacity="0.75"><title>[${formatNumber(o.edges[i])}, ${formatNumber(o.edges[i + 1])}): ${c}</title></rect>`;
    })
    .join('');
  return svgDoc(f, o.title, bars);
}
