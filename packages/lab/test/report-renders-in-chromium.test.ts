// report.html opens from disk in headless Chromium with no network, every
// chart is a non-empty SVG with drawn marks — a point per strategy and CPU
// count on the line charts, a bar per strategy and CPU count on the
// time-split chart — and the page logs no error. At 1280 px, the width of a
// laptop screen, with six strategies side by side (the five built-in ones
// and a remedy file), nothing spills past the page: the wide tables and the
// faceted chart rows scroll inside their own box. A screenshot at that
// width is left in the test's temp directory for a person to look at (a
// full-page capture failed on a CI host; the capture is reported, not
// asserted).
// The browser comes with `pnpm install` (fixtures/chromium.ts).
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { listStrategies } from '@percpu-lab/mm';
import { loadStrategyFile } from '../src/strategies/file.js';
import { writeSweepReport } from '../src/sweep/write-report.js';
import { launchChromium } from './fixtures/chromium.js';
import { virtualRunner } from './fixtures/sweep-virtual.js';
import { smallSpec, sweepInto, tempDir } from './fixtures/sweep-helpers.js';

const REMEDY = fileURLToPath(new URL('../../../../examples/remedies/atomic-rss.js', import.meta.url));
const CPUS = [1, 2, 4, 8];
const VIEWPORT = { width: 1280, height: 1000 };

test('report.html renders every chart in headless Chromium', async () => {
  const dir = tempDir('report');
  await loadStrategyFile(REMEDY);
  const strategies = listStrategies().map((x) => x.name);
  assert.equal(strategies.length, 6, strategies.join(', '));
  const { store } = await sweepInto(dir, smallSpec({ strategies, cpus: CPUS, repeats: 1 }), virtualRunner().runner);
  const written = await writeSweepReport(store, 'test');
  assert.ok(written.chartFiles.length >= 5, `expected five charts, got ${written.chartFiles.length}`);

  const { browser, found } = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
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
          // Data marks only (role-mark): the legend draws its own symbols.
          lines: svg ? svg.querySelectorAll('.mark-line.role-mark path').length : 0,
          points: svg ? svg.querySelectorAll('.mark-symbol.role-mark path').length : 0,
          bars: svg ? svg.querySelectorAll('.mark-rect.role-mark path').length : 0,
        };
      }),
    );
    assert.equal(charts.length, written.chartFiles.length);
    const perSeries = strategies.length * CPUS.length;
    for (const c of charts) {
      const what = `chart ${c.id}: ${JSON.stringify(c)}`;
      assert.ok(c.width > 100 && c.height > 100, what);
      if (/-(throughput|speedup|efficiency)$/.test(c.id!)) {
        assert.ok(c.lines >= strategies.length, `${what}: a line per strategy`);
        assert.equal(c.points, perSeries, `${what}: a point per strategy and CPU count`);
      } else if (c.id!.endsWith('-time-split')) {
        assert.ok(c.bars >= perSeries, `${what}: a bar for every strategy and CPU count`);
      } else {
        assert.ok(c.points > 0 && c.points % CPUS.length === 0, `${what}: every series has a point at each CPU count`);
      }
    }
    assert.ok((await page.$$('table.comparison tbody tr')).length === CPUS.length, 'strategy table has one row per CPU count');
    assert.ok((await page.$$('table.locks tbody tr')).length > 0, 'lock table is empty');
    assert.deepEqual(problems, []);

    // Nothing spills: the page does not scroll sideways, and every table and chart ends inside the page.
    const layout = await page.$eval('body', (body) => {
      const right = body.getBoundingClientRect().right;
      const spills = [...body.querySelectorAll('table, figure.chart, pre')]
        .map((e) => {
          const box = (e.parentElement?.classList.contains('scroll') ? e.parentElement : e).getBoundingClientRect();
          return { what: `${e.tagName.toLowerCase()}.${e.getAttribute('class') ?? ''}`, right: Math.round(box.right) };
        })
        .filter((b) => b.right > right + 1);
      const wide = [...body.querySelectorAll('table')].filter((t) => t.scrollWidth > t.parentElement!.clientWidth).length;
      return { pageWidth: body.ownerDocument.documentElement.scrollWidth, viewport: body.ownerDocument.defaultView!.innerWidth, spills, wide };
    });
    assert.equal(layout.viewport, VIEWPORT.width);
    assert.deepEqual(layout.spills, [], `boxes past the page at ${VIEWPORT.width} px`);
    assert.ok(layout.pageWidth <= VIEWPORT.width, `the page scrolls sideways: ${layout.pageWidth} px wide at ${VIEWPORT.width} px`);
    process.stdout.write(`# ${layout.wide} table(s) wider than their box scroll inside it\n`);
    // The picture is for a person; a host whose compositor cannot capture
    // one (seen once on CI) says so instead of failing what was checked above.
    const screenshot = join(dir, 'report.png');
    const shot = await page.screenshot({ path: screenshot, fullPage: true }).then(
      () => (existsSync(screenshot) && statSync(screenshot).size > 0 ? screenshot : 'empty file'),
      (e: unknown) => `not taken (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`,
    );
    process.stdout.write(`# ${found.source} Chromium ${browser.version()} (${found.executablePath}); screenshot at ${VIEWPORT.width} px: ${shot}\n`);
  } finally {
    await browser.close();
  }
});
