// The map wall (#/wall) in Debian chromium: reads its live counters, creates a hazard through the
// OGC API with ONEMAP_WRITE_KEY, and measures how long the counter and the rendered map take to
// show it. Logs in as ONEMAP_USER. Usage: node tests/e2e/wall.mjs URL SCREENSHOT.png HAZARD.json
// Prints one JSON line: {"before": {metric: n}, "after": {...}, "counterMs", "mapMs",
// "renderedBefore", "renderedAfter", "consoleErrors"}.
import { readFileSync } from "node:fs";
import { openMap, openPage } from "./browser.mjs";

const [url, screenshot, hazardFile] = process.argv.slice(2);
if (!url || !screenshot || !hazardFile) {
  console.error("usage: node wall.mjs URL SCREENSHOT.png HAZARD.json");
  process.exit(2);
}
const { browser, page, consoleErrors } = await openPage();
let code = 0;
try {
  await openMap(page, url, consoleErrors);
  const read = () => page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll("[data-metric]")].map((e) => [e.dataset.metric, Number(e.textContent)])));
  // Hazards drawn on the map: singles count 1, clusters their point_count.
  const rendered = () => page.evaluate(() => {
    const { map, layers } = window.__onemap;
    const ids = layers.hazards.filter((l) => map.getLayer(l) && map.getLayer(l).type === "circle");
    const seen = new Map();
    for (const f of map.queryRenderedFeatures({ layers: ids })) {
      const key = `${f.layer.id}|${f.properties.id ?? ""}|${JSON.stringify(f.geometry.coordinates)}`;
      seen.set(key, f.properties.point_count ?? 1);
    }
    return [...seen.values()].reduce((a, b) => a + b, 0);
  });
  await page.waitForFunction(() => document.querySelector("[data-metric=hazards]").textContent !== "–", null, { timeout: 10_000 });
  const report = { before: await read(), renderedBefore: await rendered() };
  const origin = new URL(url).origin;
  const res = await fetch(`${origin}/collections/hazards/items`, {
    method: "POST",
    headers: { "content-type": "application/geo+json", authorization: `Bearer ${process.env.ONEMAP_WRITE_KEY}` },
    body: readFileSync(hazardFile, "utf8"),
  });
  if (res.status !== 201) throw new Error(`creating the hazard: HTTP ${res.status} ${await res.text()}`);
  const t0 = Date.now();
  const want = report.before.hazards + 1;
  await page.waitForFunction((n) => Number(document.querySelector("[data-metric=hazards]").textContent) === n, want, { timeout: 10_000 });
  report.counterMs = Date.now() - t0;
  await page.waitForFunction(() => window.__onemap.map.areTilesLoaded(), null, { timeout: 10_000 });
  const deadline = Date.now() + 10_000;
  report.renderedAfter = await rendered();
  while (report.renderedAfter <= report.renderedBefore && Date.now() < deadline) {
    await page.waitForTimeout(100);
    report.renderedAfter = await rendered();
  }
  report.mapMs = Date.now() - t0;
  report.after = await read();
  report.consoleErrors = consoleErrors;
  await page.screenshot({ path: screenshot });
  console.log(JSON.stringify(report));
} catch (e) {
  console.error(`wall.mjs: ${e.stack || e}`);
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
