// report.html opens from disk in headless Chromium with no network, every
// chart is a non-empty SVG with drawn marks, and the page logs no error. A
// screenshot is left in the test's temp directory for a person to look at.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { writeSweepReport } from '../src/sweep/write-report.js';
import { virtualRunner } from './fixtures/sweep-virtual.js';
import { smallSpec, sweepInto, tempDir } from './fixtures/sweep-helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

test('report.html renders every chart in headless Chromium', async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  const dir = tempDir('report');
  const { store } = await sweepInto(dir, smallSpec({ cpus: [1, 2, 4, 8] }), virtualRunner().runner);
  const written = await writeSweepReport(store, 'test');
  assert.ok(written.chartFiles.length >= 5, `expected five charts, got ${written.chartFiles.length}`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // Self-contained means no request leaves the file: fail any that would.
    await page.route(/^(?!file:)/, (route) => { problems.push(`network request: ${route.request().url()}`); return route.abort(); });
    await page.goto(pathToFileURL(written.reportFile).href, { waitUntil: 'load' });

    const charts = await page.$$eval('figure.chart', (figs) =>
      figs.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return {
          id: f.getAttribute('data-chart'),
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          marks: svg ? svg.querySelectorAll('path, line, circle, rect, text').length : 0,
          drawn: svg ? svg.querySelectorAll('.mark-line path, .mark-symbol path').length : 0,
        };
      }),
    );
    assert.equal(charts.length, written.chartFiles.length);
    for (const c of charts) {
      assert.ok(c.width > 100 && c.height > 100, `chart ${c.id} is ${c.width}×${c.height}`);
      assert.ok(c.drawn > 0, `chart ${c.id} has no drawn line or point`);
    }
    assert.ok((await page.$$('table.comparison tbody tr')).length === 4, 'strategy table has one row per CPU count');
    assert.ok((await page.$$('table.locks tbody tr')).length > 0, 'lock table is empty');
    const screenshot = join(dir, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    assert.ok(existsSync(screenshot));
    assert.deepEqual(problems, []);
    process.stdout.write(`# screenshot: ${screenshot}\n`);
  } finally {
    await browser.close();
  }
});
