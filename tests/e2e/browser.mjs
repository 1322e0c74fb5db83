// Shared by the browser tests: Debian chromium through playwright-core, with the flags this
// closed machine needs, and a page that records its console errors.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../frontend/package.json"));
const { chromium } = require("playwright-core");

/** Launches headless chromium; returns the browser, a 1280×800 page and its console errors. */
export async function openPage() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-gpu",
      "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const consoleErrors = [];
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  return { browser, page, consoleErrors };
}

/** Opens the one-map page at `url`; when it asks for a login, logs in through its own form as
 * ONEMAP_USER / ONEMAP_PASSWORD (after one wrong password when ONEMAP_WRONG_FIRST is set, whose
 * message it returns); then waits for the first full render (data-map-idle) or the error, and
 * gives the test `window.__onemap`, the page module's state. */
export async function openMap(page, url, consoleErrors = []) {
  await page.goto(url, { waitUntil: "load" });
  const done = () => document.documentElement.dataset.mapIdle === "1" || document.documentElement.dataset.mapError;
  const asked = () => document.documentElement.dataset.mapIdle === "1" || document.documentElement.dataset.mapError
    || !document.getElementById("login").hidden;
  await page.waitForFunction(asked, null, { timeout: 90_000 });
  let wrongPasswordMessage = null;
  if (await page.isVisible("#login")) {
    const user = process.env.ONEMAP_USER;
    if (!user) throw new Error("the page asks for a login: set ONEMAP_USER and ONEMAP_PASSWORD");
    await page.fill("#login-name", user);
    if (process.env.ONEMAP_WRONG_FIRST) {
      const before = consoleErrors.length;
      await page.fill("#login-password", "not the password");
      await page.click("#login-submit");
      await page.waitForFunction(() => document.getElementById("login-error").textContent !== "", null, { timeout: 30_000 });
      wrongPasswordMessage = await page.textContent("#login-error");
      // Chromium logs the refused login's 401 as a failed resource: expected here, nothing else is.
      const added = consoleErrors.splice(before);
      consoleErrors.push(...added.filter((e) => !e.includes("401")));
    }
    await page.fill("#login-password", process.env.ONEMAP_PASSWORD || "");
    await page.click("#login-submit");
  }
  await page.waitForFunction(done, null, { timeout: 90_000 });
  // The page keeps no window globals; the tests reach its state through its module.
  await page.evaluate(async () => { window.__onemap = (await import("/static/app.js")).onemap; });
  return { wrongPasswordMessage };
}
