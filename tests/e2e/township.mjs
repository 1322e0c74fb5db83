// The township view (#/township/{code}) in Debian chromium, as ONEMAP_USER: the hazard list, the
// hazards drawn at z16 around one of them, a filter, and one lifecycle step by its button.
// Usage: node tests/e2e/township.mjs URL SCREENSHOT.png
// Prints one JSON line: {"listed": [ids], "filtered": n, "stepped": {id, from, to, patched},
// "drawn": [hazard ids rendered near the first], "consoleErrors": [...]}.
import { openMap, openPage } from "./browser.mjs";

const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error("usage: node township.mjs URL SCREENSHOT.png");
  process.exit(2);
}
const { browser, page, consoleErrors } = await openPage();
let code = 0;
try {
  await openMap(page, url, consoleErrors);
  const report = {};
  report.listed = await page.$$eval("#township-hazards li", (lis) => lis.map((li) => li.dataset.id));
  // Filter: major hazards only, then back to all.
  await page.selectOption("#township select[data-filter=risk_level]", "major");
  report.filtered = await page.$$eval("#township-hazards li", (lis) => lis.length);
  report.filteredMajorOnly = await page.evaluate(() => window.__onemap.township.shown.every((f) => f.properties.risk_level === "major"));
  await page.selectOption("#township select[data-filter=risk_level]", "");
  // One lifecycle step of the first hazard that has one.
  const button = page.locator("#township-hazards li button.step").first();
  const id = await button.evaluate((b) => b.closest("li").dataset.id);
  const to = await button.getAttribute("data-next");
  const from = await page.evaluate((i) => window.__onemap.township.hazards.find((f) => f.id === i).properties.status, id);
  const patched = page.waitForResponse((r) => r.request().method() === "PATCH" && r.url().includes(encodeURIComponent(id)));
  await button.click();
  const res = await patched;
  await page.waitForFunction(([i, t]) => window.__onemap.township.hazards.find((f) => f.id === i).properties.status === t, [id, to], { timeout: 10_000 });
  report.stepped = { id, from, to, patched: res.status() };
  // Fly to the first listed hazard and read what the map draws there.
  await page.click(`#township-hazards li[data-id="${report.listed[0]}"] button.fly`);
  await page.waitForFunction(() => !window.__onemap.map.isMoving() && window.__onemap.map.getZoom() > 14.9, null, { timeout: 15_000 });
  await page.evaluate(() => new Promise((r) => (window.__onemap.map.areTilesLoaded() ? r() : window.__onemap.map.once("idle", r))));
  report.drawn = await page.evaluate(() => {
    const { map, layers } = window.__onemap;
    const ids = layers.hazards.filter((l) => map.getLayer(l));
    return [...new Set(map.queryRenderedFeatures({ layers: ids }).map((f) => f.properties.id).filter(Boolean))];
  });
  // Print A4: the page saves a PNG.
  const download = page.waitForEvent("download", { timeout: 60_000 });
  await page.click("#print button[data-paper=A4]");
  const file = await download;
  const path = `${screenshot}.print-a4.png`;
  await file.saveAs(path);
  report.print = { path, name: file.suggestedFilename() };
  report.consoleErrors = consoleErrors;
  await page.screenshot({ path: screenshot });
  console.log(JSON.stringify(report));
} catch (e) {
  console.error(`township.mjs: ${e.stack || e}`);
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
