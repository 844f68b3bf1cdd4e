import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { Evaluator, type EvaluationReport } from '../../src/evaluator/index';
import { fraudData, fraudScore, regressionSetup, ScoreModel, ThreeClassModel, threeClassData } from './helpers';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) {
  console.warn(
    `\n${'!'.repeat(78)}\n!! SKIPPING the headless-Chromium rendering test of the HTML report:\n!! ${CHROMIUM} does not exist. Install Debian's chromium package (or set\n!! CHROMIUM_PATH). In CI (CI=true) this test runs and fails without it.\n${'!'.repeat(78)}\n`,
  );
}

let binary: EvaluationReport;
let multiclass: EvaluationReport;
let regression: EvaluationReport;

beforeAll(async () => {
  const data = fraudData(1500, 17);
  binary = await new Evaluator({ bootstrap: { resamples: 50 }, slices: ['country'] }).evaluate(new ScoreModel('fraud', (r) => fraudScore(r)), data, { name: 'fraud <v2> & "friends"' });
  multiclass = await new Evaluator({ bootstrap: { resamples: 30 } }).evaluate(new ThreeClassModel(1.5), threeClassData(600, 2));
  const { data: rd, model } = regressionSetup(800, 3);
  regression = await new Evaluator({ bootstrap: { resamples: 30 }, slices: ['region'] }).evaluate(model, rd);
});

describe('EvaluationReport.toHTML as text', () => {
  it('is one self-contained page: no script, no external reference, escaped text', () => {
    for (const r of [binary, multiclass, regression]) {
      const html = r.toHTML();
      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/\s(src|href)=/i);
      // the only URL is the SVG namespace, which is never fetched
      expect(html.match(/https?:\/\/[^"'\s)]+/g)?.filter((u) => u !== 'http://www.w3.org/2000/svg') ?? []).toEqual([]);
      expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'");
    }
    const html = binary.toHTML();
    expect(html).toContain('fraud &lt;v2&gt; &amp; &quot;friends&quot;');
    expect(html).not.toContain('<v2>');
    expect(html).toContain('ROC curve');
    expect(html).toContain('country=DE');
    expect(binary.toHTML({ title: 'Custom' })).toContain('<title>Custom</title>');
  });
});

describe.skipIf(!haveChromium && !process.env.CI)('EvaluationReport.toHTML in headless Chromium', () => {
  let context: BrowserContext;
  let dir: string;
  const requests: string[] = [];

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI=true but ${CHROMIUM} is missing: install the chromium package (.ci/run does).`);
    const { chromium } = await import('playwright-core');
    dir = mkdtempSync(join(tmpdir(), 'mlops-chromium-'));
    context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1200, height: 900 },
      // page.evaluate below draws the SVGs onto a canvas; the page's own CSP forbids scripts.
      bypassCSP: true,
    });
    await context.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.abort();
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(html: string): Promise<Page> {
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    return page;
  }

  /** Share of non-white pixels of each inline SVG rasterised onto a canvas. */
  async function inkPerSvg(page: Page): Promise<number[]> {
    return page.evaluate(async () => {
      const out: number[] = [];
      for (const svg of Array.from(document.querySelectorAll('svg'))) {
        const text = new XMLSerializer().serializeToString(svg);
        const img = new Image();
        img.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(text)))}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.width;
        canvas.height = img.height;
        const ctx = canvas.getContext('2d')!;
        ctx.fillStyle = '#fff';
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(img, 0, 0);
        const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let ink = 0;
        for (let i = 0; i < px.length; i += 4) if (px[i] < 235 || px[i + 1] < 235 || px[i + 2] < 235) ink++;
        out.push(ink / (px.length / 4));
      }
      return out;
    });
  }

  it('draws the ROC, precision-recall and calibration plots of a binary report', async () => {
    const page = await open(binary.toHTML());
    const svgs = page.locator('svg');
    expect(await svgs.count()).toBe(3);
    expect(await page.locator('svg title').allTextContents()).toEqual(expect.arrayContaining(['ROC curve', 'Precision-recall curve', 'Calibration']));
    for (let i = 0; i < 3; i++) {
      const box = await svgs.nth(i).boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      const paths = svgs.nth(i).locator('path');
      expect(await paths.count()).toBeGreaterThanOrEqual(2); // the curve and its reference line
      const curve = await paths.first().boundingBox();
      expect(curve!.width).toBeGreaterThan(100);
      expect(curve!.height).toBeGreaterThan(50);
    }
    // the ROC curve's path reaches both corners of the plot area
    const d = await svgs.nth(0).locator('path').first().getAttribute('d');
    expect(d!.split(/[ML]/).filter(Boolean).length).toBeGreaterThan(20);
    for (const ink of await inkPerSvg(page)) expect(ink).toBeGreaterThan(0.02);
    expect(await page.locator('table.cm td.cell').count()).toBe(4);
    expect(await page.locator('text=country=US').count()).toBeGreaterThan(0);

    const shot = await page.screenshot({ fullPage: true });
    const blank = await (await open('<!DOCTYPE html><html><body></body></html>')).screenshot({ fullPage: true });
    expect(shot.length).toBeGreaterThan(5 * blank.length);
    expect(requests).toEqual([]);
  });

  it('draws one curve per class for a multiclass report and a residual histogram for regression', async () => {
    const page = await open(multiclass.toHTML());
    const roc = page.locator('svg').first();
    expect(await roc.locator('path').count()).toBe(4); // three classes + chance
    expect(await page.locator('table.cm td.cell').count()).toBe(9);
    for (const ink of await inkPerSvg(page)) expect(ink).toBeGreaterThan(0.02);

    const reg = await open(regression.toHTML());
    expect(await reg.locator('svg').count()).toBe(1);
    const bars = reg.locator('svg rect[fill-opacity="0.75"]');
    expect(await bars.count()).toBe(20);
    let drawn = 0;
    for (let i = 0; i < 20; i++) {
      const box = await bars.nth(i).boundingBox();
      if (box && box.height > 1 && box.width > 1) drawn++;
    }
    expect(drawn).toBeGreaterThan(10);
    for (const ink of await inkPerSvg(reg)) expect(ink).toBeGreaterThan(0.02);
    expect(await reg.locator('text=region=north').count()).toBeGreaterThan(0);
    expect(requests).toEqual([]);
  });
});
