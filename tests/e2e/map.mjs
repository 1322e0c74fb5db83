// Opens the one-map page in Debian chromium (playwright-core) and reports what it rendered.
// Usage: node tests/e2e/map.mjs URL SCREENSHOT.png
// Prints one JSON line: {"layers": {id: renderedCount}, "legend": text, "attribution": text,
// "demoBanner": bool, "consoleErrors": [...]}; exits 1 when the page fails to load.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../frontend/package.json"));
const { chromium } = require("playwright-core");

const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error("usage: node map.mjs URL SCREENSHOT.png");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-gpu",
    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let code = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const consoleErrors = [];
  const outside = [];
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("request", (r) => { if (!r.url().startsWith(new URL(url).origin) && !r.url().startsWith("data:") && !r.url().startsWith("blob:")) outside.push(r.url()); });
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => window.onemapReady || window.onemapError, null, { timeout: 90_000 });
  const report = await page.evaluate(() => {
    if (window.onemapError) return { error: window.onemapError };
    const layers = {};
    for (const [id, styleIds] of Object.entries(window.onemapLayerStyles)) {
      layers[id] = window.map.queryRenderedFeatures({ layers: styleIds }).length;
    }
    const attribution = document.querySelector(".maplibregl-ctrl-attrib")?.textContent ?? "";
    return {
      layers,
      legend: document.getElementById("legend").textContent.replace(/\s+/g, " ").trim(),
      attribution,
      demoBanner: !document.getElementById("demo-banner").hidden,
      status: document.getElementById("status").textContent,
    };
  });
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
