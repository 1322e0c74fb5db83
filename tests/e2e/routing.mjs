// Drives the routing panel of the one-map page in Debian chromium (playwright-core) with real
// mouse clicks on the map: a route between two points, saved as an evacuation route; the nearest
// shelters of a point; 5/10/15-minute isochrones; the ten-minute coverage layer.
// Usage: node tests/e2e/routing.mjs URL SCREENSHOT.png LON1,LAT1 LON2,LAT2 (WGS84 degrees)
// Prints one JSON line with what the page showed; exits 1 when the page fails.
import { openMap, openPage } from "./browser.mjs";

const [url, screenshot, p1, p2] = process.argv.slice(2);
if (!url || !screenshot || !p1 || !p2) {
  console.error("usage: node routing.mjs URL SCREENSHOT.png LON1,LAT1 LON2,LAT2");
  process.exit(2);
}
const a = p1.split(",").map(Number);
const b = p2.split(",").map(Number);

const { browser, page, consoleErrors } = await openPage();
let code = 0;
try {
  await openMap(page, url, consoleErrors);
  const pixel = (p) => page.evaluate(([lon, lat]) => {
    const pt = window.__onemap.map.project([lon, lat]);
    const r = window.__onemap.map.getCanvas().getBoundingClientRect();
    return [r.left + pt.x, r.top + pt.y];
  }, p);
  const waitLast = async (kind) => {
    await page.waitForFunction((k) => window.__onemap.routing?.last && (window.__onemap.routing.last.kind === k || window.__onemap.routing.last.error), kind, { timeout: 30_000 });
    return page.evaluate(() => window.__onemap.routing.last);
  };
  const idle = () => page.evaluate(() => new Promise((r) => (window.__onemap.map.loaded() ? r() : window.__onemap.map.once("idle", r))));
  const rendered = (layer) => page.evaluate((l) => window.__onemap.map.queryRenderedFeatures({ layers: [l] }).length, layer);

  const report = { panel: await page.locator("#routing").count() };
  await page.click("[data-mode=route]");
  for (const p of [a, b]) {
    const [x, y] = await pixel(p);
    await page.mouse.click(x, y);
  }
  report.route = await waitLast("route");
  await idle();
  report.routeRendered = await rendered("routing-result-line");
  report.routeText = await page.locator("#routing-result").textContent();
  await page.click("#routing-save");
  await page.waitForFunction(() => window.__onemap.routing.saved || window.__onemap.routing.last.error, null, { timeout: 30_000 });
  report.saved = await page.evaluate(() => window.__onemap.routing.saved || null);

  await page.click("[data-mode=shelters]");
  const [x, y] = await pixel(a);
  await page.mouse.click(x, y);
  report.shelters = await waitLast("shelters");
  report.sheltersText = await page.locator("#routing-result").textContent();

  await page.click("[data-mode=isochrone]");
  {
    const [ix, iy] = await pixel(b);
    await page.mouse.click(ix, iy);
  }
  report.isochrone = await waitLast("isochrone");
  await idle();
  report.isochroneRendered = await rendered("routing-isochrone");

  await page.check("#routing-coverage");
  await page.waitForFunction(() => window.__onemap.map.getLayer("routing-coverage") && window.__onemap.map.areTilesLoaded(), null, { timeout: 60_000 });
  await idle();
  report.coverageRendered = await rendered("routing-coverage");
  report.consoleErrors = consoleErrors;
  await page.screenshot({ path: screenshot });
  console.log(JSON.stringify(report));
} catch (e) {
  console.error(`routing.mjs: ${e.stack || e}`);
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
