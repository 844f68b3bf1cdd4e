/**
 * The evaluation report as one self-contained HTML page: metrics with confidence
 * intervals, ROC / precision-recall / calibration plots as inline SVG, the confusion
 * matrix, per-class and per-slice tables. No script, no external resource.
 *
 * @module
 */
import type { ClassLabel } from '../models/types';
import { type Cell, escapeHtml as e, formatNumber as num, htmlPage, htmlTable } from '../report/html';
import { histogramPlot, linePlot, type PlotSeries } from '../report/svg';
import { metricInfo, metricsFor } from './catalog';
import type { EvaluationReport } from './report';

/** Options of {@link EvaluationReport.toHTML}. */
export interface ReportHTMLOptions {
  /** Page title (default: the model name or "Evaluation report"). */
  title?: string;
}

const CSS = `
.cm td.cell{text-align:center;min-width:54px}.cm th.corner{background:#fff}
.ci{color:#667;font-size:12px}.note{color:#9a5b00;font-size:12px;white-space:normal;text-align:left}
`;

const label = (c: ClassLabel): string => String(c);

function interval(i: { lower: number; upper: number } | null | undefined): string {
  return i ? `[${num(i.lower)}, ${num(i.upper)}]` : '–';
}

function metricsTable(r: EvaluationReport): string {
  const rows: Cell[][] = r.metricNames.map((name) => {
    const info = metricInfo(r.task, name);
    return [
      { html: `${e(info?.title ?? name)} <span class="muted small">${e(name)}</span>`, title: info?.description },
      { html: `<b>${num(r.metrics[name])}</b>` },
      { html: interval(r.intervals[name]), className: 'ci' },
      info ? `${info.better} is better` : '',
      { html: r.notes[name] ? e(r.notes[name]) : '', className: 'note' },
    ];
  });
  const conf = r.bootstrap ? `${Math.round(r.bootstrap.confidence * 100)}% interval` : 'interval';
  return htmlTable(['metric', 'value', conf, '', 'note'], rows);
}

function plots(r: EvaluationReport): string {
  const c = r.curves;
  if (c === undefined) return '';
  const out: string[] = [];
  if (c.roc.length > 0) {
    const series: PlotSeries[] = c.roc.map((s) => ({ name: `${label(s.label)} (AUC ${num(s.auc, 3)})`, x: s.fpr, y: s.tpr }));
    series.push({ name: 'chance', x: [0, 1], y: [0, 1], dashed: true, color: '#999' });
    out.push(linePlot({ title: 'ROC curve', xLabel: 'false positive rate', yLabel: 'true positive rate (recall)', series, xDomain: [0, 1], yDomain: [0, 1], width: 340, legend: 'bottom-right' }));
  }
  if (c.pr.length > 0) {
    const series: PlotSeries[] = c.pr.map((s) => ({ name: `${label(s.label)} (AP ${num(s.averagePrecision, 3)})`, x: s.recall, y: s.precision, step: true }));
    if (c.pr.length === 1) series.push({ name: 'chance', x: [0, 1], y: [c.pr[0].prevalence, c.pr[0].prevalence], dashed: true, color: '#999' });
    out.push(linePlot({ title: 'Precision-recall curve', xLabel: 'recall', yLabel: 'precision', series, xDomain: [0, 1], yDomain: [0, 1], width: 340, legend: 'bottom-left' }));
  }
  if (c.calibration.length > 0) {
    const series: PlotSeries[] = c.calibration.map((s) => ({ name: label(s.label), x: s.meanPredicted, y: s.fractionPositive, markers: true }));
    series.push({ name: 'perfectly calibrated', x: [0, 1], y: [0, 1], dashed: true, color: '#999' });
    out.push(linePlot({ title: 'Calibration', xLabel: 'mean predicted probability', yLabel: 'observed share', series, xDomain: [0, 1], yDomain: [0, 1], width: 340, legend: 'top-left' }));
  }
  return `<h2>Curves</h2><div class="plots">${out.map((svg) => `<div class="plot">${svg}</div>`).join('')}</div>`;
}

function confusion(r: EvaluationReport): string {
  const cm = r.confusionMatrix;
  if (cm === undefined) return '';
  const head: Cell[] = [{ html: 'true \\ predicted', className: 'corner' }, ...cm.labels.map(label)];
  const rows: Cell[][] = cm.matrix.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return [
      label(cm.labels[i]),
      ...row.map((v, j) => {
        const share = total > 0 ? v / total : 0;
        const hue = i === j ? '84,162,75' : '228,87,86';
        return { html: `${num(v, 6)}<br><span class="ci">${(share * 100).toFixed(1)}%</span>`, className: 'cell', style: `background:rgba(${hue},${(share * 0.65).toFixed(3)})` };
      }),
    ];
  });
  const perClass = r.perClass
    ? htmlTable(
        ['class', 'precision', 'recall', 'F1', 'support', 'ROC AUC (one-vs-rest)'],
        r.perClass.map((p) => [label(p.label), num(p.precision), num(p.recall), num(p.f1), num(p.support, 6), num(p.rocAuc)]),
      )
    : '';
  const thr = r.task === 'binary' ? `<p class="muted small">Predicted ${e(label(r.positiveClass!))} when P(${e(label(r.positiveClass!))}) ≥ ${num(r.threshold)}; rows are the true class, shares are of the row.</p>` : '<p class="muted small">Predicted class: the most probable one. Rows are the true class, shares are of the row.</p>';
  return `<h2>Confusion matrix</h2>${thr}${htmlTable(head, rows, 'cm')}<h2>Per class</h2>${perClass}`;
}

function residuals(r: EvaluationReport): string {
  const res = r.residuals;
  if (res === undefined) return '';
  const chart = histogramPlot({ title: 'Residuals (truth − prediction)', xLabel: `residual (${r.target})`, edges: res.histogram.edges, counts: res.histogram.counts });
  const q = res.quantiles;
  const table = htmlTable(['mean (bias)', '5%', '25%', 'median', '75%', '95%'], [[num(res.mean), num(q.p5), num(q.p25), num(q.p50), num(q.p75), num(q.p95)]]);
  return `<h2>Residuals</h2><div class="plots"><div class="plot">${chart}</div></div>${table}`;
}

function slices(r: EvaluationReport): string {
  if (r.slices.length === 0) return '';
  const names = metricsFor(r.task)
    .map((i) => i.name)
    .filter((n) => n in r.metrics)
    .slice(0, 6);
  const rows: Cell[][] = r.slices.map((s) => [
    s.name,
    num(s.rows, 8),
    ...names.map((n): Cell => {
      const v = s.metrics[n];
      const note = s.notes[n];
      return { html: `${num(v)}${s.intervals[n] ? `<br><span class="ci">${interval(s.intervals[n])}</span>` : ''}`, title: note, className: v === null || v === undefined ? 'warn' : '' };
    }),
  ]);
  return `<h2>Slices</h2>${htmlTable(['slice', 'rows', ...names], rows)}`;
}

/** Renders a report as a self-contained HTML page. @internal */
export function renderReportHTML(r: EvaluationReport, options: ReportHTMLOptions): string {
  const title = options.title ?? (r.model.name !== undefined ? `Evaluation: ${r.model.name}` : 'Evaluation report');
  const meta: [string, string][] = [
    ['task', r.task + (r.classes ? ` (${r.classes.map(label).join(', ')})` : '')],
    ['target', r.target],
    ['rows', `${r.data.rows}${r.data.weightColumn ? ` (weighted by ${r.data.weightColumn}, total ${num(r.data.weightTotal)})` : ''}`],
    ['data fingerprint', r.data.fingerprint],
    ['model', [r.model.type, r.model.runId ? `run ${r.model.runId}` : undefined].filter(Boolean).join(', ') || '–'],
    ['bootstrap', r.bootstrap ? `${r.bootstrap.resamples} resamples, seed ${String(r.bootstrap.seed)}` : 'off'],
    ['created', `${r.createdAt} by mlops-kit ${r.libraryVersion}`],
  ];
  const body = `<h1>${e(title)}</h1>
<dl class="meta">${meta.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>
<h2>Metrics</h2>${metricsTable(r)}
${plots(r)}${confusion(r)}${residuals(r)}${slices(r)}
<p class="muted small">Intervals are percentile bootstrap intervals over resampled test rows. Curves are thinned for display.</p>`;
  return htmlPage({ title, body, css: CSS });
}
