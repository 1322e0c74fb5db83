// Opens the one-map page in Debian chromium (playwright-core) and reports what it rendered.
// Usage: node tests/e2e/map.mjs URL SCREENSHOT.png
// Prints one JSON line: {"layers": {id: renderedCount}, "legend": text, "attribution": text,
// "demoBanner": bool, "who": the account shown, "counts": {id: legend count},
// "consoleErrors": [...]}; exits 1 when the page fails to load. Logs in as ONEMAP_USER.
import { openMap, openPage } from "./browser.mjs";

const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error("usage: node map.mjs URL SCREENSHOT.png");
  process.exit(2);
}

const { browser, page, consoleErrors } = await openPage();
let code = 0;
try {
  const outside = [];
  const requests = { tiles: 0, items: [], glyphs: [] };
  page.on("response", async (r) => {
    if (!new URL(r.url()).pathname.startsWith("/fonts/")) return;
    const body = await r.body().catch(() => Buffer.alloc(0));
    requests.glyphs.push({ path: decodeURIComponent(new URL(r.url()).pathname), status: r.status(), bytes: body.length });
  });
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (/^\/tiles\/\d+\/\d+\/\d+\.mvt$/.test(u.pathname)) requests.tiles += 1;
    if (/^\/collections\/[^/]+\/items$/.test(u.pathname)) requests.items.push(u.pathname + u.search);
  });
  page.on("request", (r) => { if (!r.url().startsWith(new URL(url).origin) && !r.url().startsWith("data:") && !r.url().startsWith("blob:")) outside.push(r.url()); });
  const login = await openMap(page, url, consoleErrors);
  const report = await page.evaluate(() => {
    const who = document.getElementById("who").textContent;
    const error = document.documentElement.dataset.mapError;
    if (error) return { error, who };
    const { map, layers: styleIds } = window.__onemap;
    const layers = {};
    for (const [id, ids] of Object.entries(styleIds)) {
      layers[id] = map.queryRenderedFeatures({ layers: ids.filter((l) => map.getLayer(l)) }).length;
    }
    const attribution = document.querySelector(".maplibregl-ctrl-attrib")?.textContent ?? "";
    return {
      layers,
      legend: document.getElementById("legend").textContent.replace(/\s+/g, " ").trim(),
      attribution,
      demoBanner: !document.getElementById("demo-banner").hidden,
      view: document.body.dataset.view,
      clock: document.getElementById("clock").hidden ? null : document.getElementById("clock").textContent,
      legendShown: getComputedStyle(document.getElementById("legend")).display !== "none",
      who,
      counts: Object.fromEntries([...document.querySelectorAll("#layers .count")].map((c) => [c.dataset.count, Number(c.textContent)])),
      status: document.getElementById("status").textContent,
    };
  });
  report.wrongPasswordMessage = login.wrongPasswordMessage;
  report.requests = requests;
  report.consoleErrors = consoleErrors;
  report.outsideRequests = outside;
  await page.screenshot({ path: screenshot });
  console.log(JSON.stringify(report));
  if (report.error) code = 1;
} catch (e) {
  console.error(`map.mjs: ${e.stack || e}`);
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
