/**
 * Inline SVG charts for the drift report: reference and current distributions overlaid.
 *
 * @module
 */
import type { DriftHistogram } from '../report-types';
import { escapeHtml, formatNumber } from '../../report/html';

const WIDTH = 360;
const HEIGHT = 170;
const PAD = { left: 36, right: 8, top: 8, bottom: 34 };

/** An SVG of reference (blue) and current (orange) shares, overlaid per bin or category. */
export function histogramSvg(h: DriftHistogram, title: string): string {
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const top = Math.max(1e-12, ...h.reference, ...h.current);
  const y = (share: number): number => (share / top) * plotH;
  const bars: string[] = [];
  const labels: string[] = [];
  const n = h.reference.length;
  if (h.kind === 'numeric') {
    const span = h.edges[h.edges.length - 1] - h.edges[0] || 1;
    const x = (v: number): number => PAD.left + ((v - h.edges[0]) / span) * plotW;
    for (let i = 0; i < n; i++) {
      const x0 = x(h.edges[i]);
      const w = n === 1 ? plotW : Math.max(0.5, x(h.edges[i + 1]) - x0);
      bars.push(rect('bar-ref', x0, w, y(h.reference[i]), plotH, h.reference[i]));
      bars.push(rect('bar-cur', x0, w, y(h.current[i]), plotH, h.current[i]));
    }
    labels.push(axisLabel(PAD.left, formatNumber(h.edges[0]), 'start'), axisLabel(WIDTH - PAD.right, formatNumber(h.edges[h.edges.length - 1]), 'end'));
  } else {
    const slot = plotW / n;
    const w = Math.max(1, slot * 0.4);
    for (let i = 0; i < n; i++) {
      const x0 = PAD.left + i * slot + slot * 0.1;
      bars.push(rect('bar-ref', x0, w, y(h.reference[i]), plotH, h.reference[i]));
      bars.push(rect('bar-cur', x0 + w, w, y(h.current[i]), plotH, h.current[i]));
      const name = h.categories[i].length > 10 ? `${h.categories[i].slice(0, 9)}…` : h.categories[i];
      labels.push(axisLabel(x0 + w, name, 'middle'));
    }
  }
  const axis = `<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${WIDTH - PAD.right}" y2="${PAD.top + plotH}" stroke="#555"/>`;
  const yTop = `<text x="${PAD.left - 4}" y="${PAD.top + 8}" font-size="9" text-anchor="end">${(top * 100).toFixed(top < 0.1 ? 1 : 0)}%</text>`;
  return (
    `<svg class="histogram" role="img" aria-label="${escapeHtml(title)}" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(title)}</title>${bars.join('')}${axis}${yTop}${labels.join('')}</svg>`
  );
}

function rect(cls: string, x: number, w: number, h: number, plotH: number, share: number): string {
  const top = PAD.top + plotH - h;
  return `<rect class="${cls}" x="${x.toFixed(2)}" y="${top.toFixed(2)}" width="${w.toFixed(2)}" height="${h.toFixed(2)}" data-share="${share}"><title>${(share * 100).toFixed(2)}%</title></rect>`;
}

function axisLabel(x: number, text: string, anchor: 'start' | 'middle' | 'end'): string {
  return `<text x="${x.toFixed(2)}" y="${HEIGHT - PAD.bottom + 14}" font-size="9" text-anchor="${anchor}">${escapeHtml(text)}</text>`;
}
