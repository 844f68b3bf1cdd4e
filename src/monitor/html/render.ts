/**
 * The drift report as one self-contained HTML page: no script, no external resource,
 * inline CSS and SVG only, so it can be attached to a ticket or served as is.
 *
 * @module
 */
import type { DriftReportJSON, FeatureDrift } from '../report-types';
import { escapeHtml as e, formatNumber as num, htmlPage } from '../../report/html';
import { histogramSvg } from './svg';

const CSS = `
.verdict{display:inline-block;padding:4px 10px;border-radius:4px;font-weight:600}
.drift{background:#fde2e1;color:#a11}.ok{background:#e1f5e6;color:#185c2c}.nodata{background:#eee;color:#555}
tr.drifted td:first-child{font-weight:600;color:#a11}td.text,th.text{text-align:left}.status{font-size:12px}
.cards{display:flex;flex-wrap:wrap;gap:16px}.card{border:1px solid #e3e6ea;border-radius:6px;padding:10px;width:372px}
.card.drifted{border-color:#e5a3a0}.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}
.bar-ref{fill:#4c78a8;fill-opacity:.55}.bar-cur{fill:#f58518;fill-opacity:.55}.notes{font-size:12px;color:#555;margin:4px 0 0;padding-left:16px}
`;

function pct(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(2)}%`;
}

function verdict(r: DriftReportJSON): string {
  if (r.status === 'no-data') return '<span class="verdict nodata">no data in the window</span>';
  return r.drifted ? '<span class="verdict drift">dataset drift</span>' : '<span class="verdict ok">no dataset drift</span>';
}

function featureRow(f: FeatureDrift): string {
  const t = f.test;
  return `<tr class="${f.drifted ? 'drifted' : ''}"><td>${e(f.name)}</td><td class="text">${f.kind}</td><td class="text status">${f.status}</td><td class="text">${t ? `${t.name} (${t.method})` : '–'}</td><td>${num(t?.statistic)}</td><td>${num(t?.pValue)}</td><td>${num(t?.adjustedPValue)}</td><td class="text">${f.effectSize ? e(f.effectSize.name) : '–'}</td><td>${num(f.effectSize?.value)}</td><td>${num(f.effectSize?.threshold)}</td><td>${pct(f.missing.referenceRate)} → ${pct(f.missing.currentRate)}${f.missing.drifted ? ' ⚠' : ''}</td><td>${f.drifted ? 'yes' : 'no'}</td></tr>`;
}

function summaryLine(f: FeatureDrift): string {
  if (f.kind === 'numeric') {
    const r = f.reference;
    const c = f.current;
    return `mean ${num(r.mean)} → ${num(c.mean)}, median ${num(r.quantiles?.p50)} → ${num(c.quantiles?.p50)}, std ${num(r.std)} → ${num(c.std)}`;
  }
  const top = (f.current.top ?? []).slice(0, 3).map((t) => `${e(t.value)} ${pct(t.share)}`);
  return `current top: ${top.join(', ') || '–'}`;
}

function featureCard(f: FeatureDrift): string {
  const chart = f.histogram ? histogramSvg(f.histogram, `${f.name}: reference vs current`) : '<p class="muted">no histogram (no values on one side)</p>';
  const notes = [f.reason, ...f.notes].filter((n): n is string => n !== null);
  return `<div class="card${f.drifted ? ' drifted' : ''}" data-feature="${e(f.name)}"><h3>${e(f.name)} ${f.drifted ? '<span class="verdict drift">drifted</span>' : ''}</h3>${chart}<div class="muted">${summaryLine(f)}</div>${
    notes.length > 0 ? `<ul class="notes">${notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>` : ''
  }</div>`;
}

function performanceSection(r: DriftReportJSON): string {
  const p = r.performance;
  if (p === null) return '';
  const rows = p.metrics
    .map(
      (m) =>
        `<tr class="${m.decayed ? 'drifted' : ''}"><td>${e(m.name)}</td><td>${num(m.value)}</td><td>${m.lower === null ? '–' : `${num(m.lower)} – ${num(m.upper)}`}</td><td>${m.interval ?? '–'}</td><td>${num(m.baseline)}</td><td>${num(m.change)}</td><td>${num(m.tolerance)}</td><td>${m.decayed ? 'yes' : 'no'}</td></tr>`,
    )
    .join('');
  return `<h2>Performance (${p.task}, ${p.labelled} labelled rows${p.status === 'ok' ? '' : `, ${p.status}`})</h2>${
    p.decayed ? '<span class="verdict drift">performance decay</span>' : ''
  }<table><thead><tr><th>metric</th><th>value</th><th>interval</th><th>method</th><th>baseline</th><th>change</th><th>tolerance</th><th>decayed</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Renders a report (its JSON form) as a self-contained HTML page (no script, no network: see `htmlPage`). @internal */
export function renderReportHtml(r: DriftReportJSON, title = 'Drift report'): string {
  const extra = [r.prediction, r.labels].filter((f): f is FeatureDrift => f !== null);
  const w = r.window;
  const windowText =
    w.type === 'time' ? `time window ${e(w.start ?? '?')} – ${e(w.end ?? '?')}` : `last ${w.size} rows${w.slide !== w.size ? ` (sliding by ${w.slide})` : ''}`;
  const body = `<h1>${e(title)}</h1>
<p class="muted">Generated ${e(r.generatedAt)} · ${windowText} · ${w.rows} rows in the window${w.complete ? '' : ' (partial window)'} · reference ${r.reference.rows} rows</p>
<p>${verdict(r)} <b>${r.driftedFeatures.length}</b> of ${r.features.length - r.erroredFeatures.length} features drifted (${pct(r.driftShare)}; dataset threshold ${pct(r.rule.driftShare)})${
    r.erroredFeatures.length > 0 ? ` · <b>${r.erroredFeatures.length}</b> errored: ${r.erroredFeatures.map(e).join(', ')}` : ''
  }</p>
<p class="muted">Rule: ${e(r.rule.rule)} — corrected p-value (${e(r.rule.correction)}) &lt; ${r.rule.alpha} and effect size ≥ threshold (numeric: ${e(r.rule.numeric.effectSize)} ${r.rule.numeric.threshold}; categorical: ${e(
    r.rule.categorical.effectSize,
  )} ${r.rule.categorical.threshold}); missing rate: significant change of at least ${pct(r.rule.missingRateMinChange)}.</p>
${performanceSection(r)}
<h2>Features</h2>
<table><thead><tr><th>feature</th><th class="text">kind</th><th class="text">status</th><th class="text">test</th><th>statistic</th><th>p-value</th><th>adjusted p</th><th class="text">effect size</th><th>value</th><th>threshold</th><th>missing rate</th><th>drifted</th></tr></thead><tbody>
${[...r.features, ...extra].map(featureRow).join('\n')}
</tbody></table>
<p class="legend muted">Histograms: <span style="background:#4c78a8;opacity:.55"></span>reference <span style="background:#f58518;opacity:.55"></span>current (share of non-missing values)</p>
<div class="cards">${[...extra, ...r.features].map(featureCard).join('\n')}</div>`;
  return htmlPage({ title, body, css: CSS });
}
