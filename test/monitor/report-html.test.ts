import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { Dataset } from '../../src/dataset/dataset';
import { DriftMonitor } from '../../src/monitor/monitor';
import { DRIFT_REPORT_SCHEMA_VERSION } from '../../src/monitor/report-types';
import { createRng } from '../../src/random';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`Chromium is required in CI to render the drift report, not found at ${CHROMIUM}`);
if (!available) console.warn(`\n!!! report-html.test.ts: SKIPPING the headless-Chromium rendering test: no browser at ${CHROMIUM} (set CHROMIUM_PATH). It always runs in CI. !!!\n`);

const rng = createRng(12);
function data(n: number, shift: number): Dataset {
  return Dataset.fromColumns({
    amount: Float64Array.from({ length: n }, () => Math.exp(rng.normal() * 0.5 + 3 + shift)),
    channel: Array.from({ length: n }, () => (rng.next() < 0.5 + shift / 2 ? 'web' : rng.next() < 0.5 ? 'app' : 'pos <b>&')),
    flag: Array.from({ length: n }, () => rng.next() < 0.2),
  });
}

function report() {
  const m = new DriftMonitor({ reference: data(4000, 0).profile(), window: { type: 'count', size: 2000 }, referencePredictions: Float64Array.from({ length: 1000 }, () => rng.next()) });
  m.observe(data(2000, 0.4), { predictions: Float64Array.from({ length: 2000 }, () => rng.next() ** 2) });
  return m.check();
}

describe('DriftReport.toJSON', () => {
  it('follows the documented schema and round-trips through JSON', () => {
    const r = report();
    const json = r.toJSON();
    expect(json.schemaVersion).toBe(DRIFT_REPORT_SCHEMA_VERSION);
    expect(Object.keys(json).sort()).toEqual(
      ['schemaVersion', 'generatedAt', 'status', 'window', 'reference', 'rule', 'drifted', 'driftShare', 'driftedFeatures', 'erroredFeatures', 'features', 'prediction', 'labels', 'performance'].sort(),
    );
    expect(JSON.parse(JSON.stringify(r))).toEqual(json);
    const f = json.features[0];
    expect(Object.keys(f).sort()).toEqual(
      ['name', 'kind', 'status', 'reason', 'drifted', 'distributionDrifted', 'test', 'effectSize', 'metrics', 'missing', 'reference', 'current', 'histogram', 'newCategories', 'invalid', 'notes'].sort(),
    );
    expect(json.prediction!.name).toBe('prediction');
  });
});

describe.skipIf(!available)('DriftReport.toHTML in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    // playwright gives every launch a fresh temporary profile (user data dir).
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders a self-contained page whose overlaid histograms are drawn', async () => {
    const r = report();
    const html = r.toHTML({ title: 'Fraud model <drift>' });
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html).toContain('Fraud model &lt;drift&gt;');
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    await page.setContent(html, { waitUntil: 'load' });
    expect(requests.filter((u) => !u.startsWith('data:') && u !== 'about:blank')).toEqual([]);
    expect(await page.title()).toBe('Fraud model <drift>');
    const rows = await page.locator('tbody tr').count();
    expect(rows).toBe(r.features.length + 1); // features + prediction
    const cards = await page.$$eval('.card', (els) =>
      els.map((card) => {
        const svg = card.querySelector('svg.histogram') as SVGSVGElement | null;
        const box = svg?.getBoundingClientRect();
        const bars = (cls: string): number => Array.from(card.querySelectorAll(`rect.${cls}`)).filter((b) => (b as SVGRectElement).getBBox().height > 0.5 && (b as SVGRectElement).getBBox().width > 0).length;
        const fill = (cls: string): string => (card.querySelector(`rect.${cls}`) ? getComputedStyle(card.querySelector(`rect.${cls}`)!).fill : '');
        return { name: card.getAttribute('data-feature'), width: box?.width ?? 0, height: box?.height ?? 0, ref: bars('bar-ref'), cur: bars('bar-cur'), refFill: fill('bar-ref'), curFill: fill('bar-cur') };
      }),
    );
    expect(cards.map((c) => c.name).sort()).toEqual(['amount', 'channel', 'flag', 'prediction']);
    for (const c of cards) {
      expect(c.width).toBeGreaterThan(300);
      expect(c.height).toBeGreaterThan(100);
      expect(c.ref).toBeGreaterThan(1);
      expect(c.cur).toBeGreaterThan(1);
      expect(c.refFill).not.toBe(c.curFill);
    }
    // The shifted numeric feature: the current bars sit to the right of the reference bars.
    const centers = await page.$$eval('.card[data-feature="amount"] rect', (rects) => {
      const mean = (cls: string): number => {
        let w = 0;
        let s = 0;
        for (const r of rects.filter((x) => x.classList.contains(cls)) as SVGRectElement[]) {
          const b = r.getBBox();
          w += b.height;
          s += b.height * (b.x + b.width / 2);
        }
        return s / w;
      };
      return { ref: mean('bar-ref'), cur: mean('bar-cur') };
    });
    expect(centers.cur).toBeGreaterThan(centers.ref + 20);
    const escaped = await page.locator('.card[data-feature="channel"] text').allTextContents();
    expect(escaped.join(' ')).toContain('pos <b>&');
    await page.close();
  });
});
