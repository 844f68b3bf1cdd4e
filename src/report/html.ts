/**
 * Building blocks for self-contained HTML reports: escaping, number formatting, tables
 * and a page shell with inline CSS and a Content-Security-Policy that forbids every
 * network request and every script, so a report can be attached to a ticket or served
 * as is.
 *
 * @module
 */

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A short number for display: `digits` significant digits, exponent form for extremes, a dash for null/NaN. */
export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(digits - 2);
  return Number(v.toPrecision(digits)).toString();
}

/** Raw HTML for a table cell (not escaped), with optional attributes. */
export interface HtmlCell {
  /** Trusted HTML content. */
  html: string;
  /** CSS class. */
  className?: string;
  /** Inline style. */
  style?: string;
  /** Tooltip text (escaped). */
  title?: string;
}

/** A table cell: text (escaped) or {@link HtmlCell}. */
export type Cell = string | HtmlCell;

function cell(tag: 'td' | 'th', c: Cell): string {
  if (typeof c === 'string') return `<${tag}>${escapeHtml(c)}</${tag}>`;
  const attrs = [c.className ? ` class="${escapeHtml(c.className)}"` : '', c.style ? ` style="${escapeHtml(c.style)}"` : '', c.title ? ` title="${escapeHtml(c.title)}"` : ''].join('');
  return `<${tag}${attrs}>${c.html}</${tag}>`;
}

/** An HTML table. Text cells are escaped. */
export function htmlTable(head: readonly Cell[], rows: readonly (readonly Cell[])[], className = ''): string {
  return `<table${className ? ` class="${escapeHtml(className)}"` : ''}><thead><tr>${head.map((h) => cell('th', h)).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => cell('td', c)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** Base style of report pages. */
export const REPORT_CSS = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1180px;padding:0 16px;color:#1d2330;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:30px 0 8px;border-bottom:1px solid #e3e6ea;padding-bottom:4px}h3{font-size:14px;margin:0 0 6px}
.muted{color:#667}.small{font-size:12px}
table{border-collapse:collapse;margin:8px 0}th,td{border-bottom:1px solid #e3e6ea;padding:4px 9px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}th{background:#f5f6f8;font-weight:600}
.plots{display:flex;flex-wrap:wrap;gap:18px}.plot{border:1px solid #e3e6ea;border-radius:6px;padding:8px}
.badge{display:inline-block;padding:2px 8px;border-radius:4px;font-size:12px;font-weight:600;background:#eef1f5;color:#334}
.warn{color:#9a5b00}.bad{color:#a11}.good{color:#185c2c}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:10px 0}dl.meta dt{color:#667}dl.meta dd{margin:0}
svg text{font-family:inherit}
`;

/** Options of {@link htmlPage}. */
export interface HtmlPageOptions {
  /** Page title (escaped). */
  title: string;
  /** Trusted HTML of the body. */
  body: string;
  /** Extra CSS appended to {@link REPORT_CSS}. */
  css?: string;
}

/**
 * A complete HTML document: inline CSS, no script, and a Content-Security-Policy that
 * blocks every external resource, so opening it never touches the network.
 */
export function htmlPage(options: HtmlPageOptions): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>${REPORT_CSS}${options.css ?? ''}</style></head>
<body>
${options.body}
</body></html>
`;
}
