// Opens the harness's HTML pages in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core) and checks what a person
// would see: the page loads with no console error, no script error and no
// network request (everything is inline); on a run's page every client
// lane is drawn and each finding is visible, names its rule and marks its
// call; on a suite's page the matrix is visible and each failure links to
// a page that exists. Saves a screenshot of each page.
//
//   node scripts/browser-check.mjs NODE_MODULES SHOTS_DIR PAGE.html...
//
// Prints one line per page and exits 1 if any check failed, 2 on bad usage.

import { existsSync, mkdirSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [modules, shots, ...pages] = process.argv.slice(2);
if (!modules || !shots || pages.length === 0) {
  console.error("usage: node scripts/browser-check.mjs NODE_MODULES SHOTS_DIR PAGE.html...");
  process.exit(2);
}
const chromium_path = process.env.CHROMIUM ?? "/usr/bin/chromium";
if (!existsSync(chromium_path)) {
  console.error(`no Chromium at ${chromium_path}; expected Debian's chromium package (apt-get install chromium) or CHROMIUM=PATH`);
  process.exit(2);
}
let playwright;
try {
  playwright = createRequire(resolve(modules, "noop.js"))("playwright-core");
} catch (e) {
  console.error(`cannot load playwright-core from ${modules}: ${e.message}; expected npm install --prefix DIR playwright-core`);
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

const browser = await playwright.chromium.launch({
  executablePath: chromium_path,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
let failed = 0;
for (const file of pages) {
  const problems = [];
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const url = pathToFileURL(resolve(file)).href;
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  page.on("request", (r) => { if (r.url() !== url) problems.push(`request: ${r.url()}`); });
  await page.goto(url, { waitUntil: "load" });
  let what = "";
  if (await page.locator("svg[aria-label=timeline]").count() > 0) {
    // A run's page.
    const clients = await page.locator("g.lane.client").count();
    const expected = Number(await page.locator("svg[aria-label=timeline]").getAttribute("data-clients"));
    if (clients === 0 || clients !== expected) problems.push(`${clients} client lanes drawn, ${expected} clients in the run`);
    const findings = page.locator(".finding-item");
    const n = await findings.count();
    for (let i = 0; i < n; i++) {
      const f = findings.nth(i);
      const rule = await f.getAttribute("data-rule");
      if (!(await f.isVisible())) problems.push(`finding ${i + 1} (${rule}) is not visible`);
      if (!rule || !(await f.innerText()).includes(rule)) problems.push(`finding ${i + 1} does not name its rule`);
    }
    const marked = await page.locator("g.call.finding").count();
    // A finding about a call links to it, and that call is marked.
    const links = page.locator('.finding-item a[href^="#call-"]');
    for (let i = 0; i < await links.count(); i++) {
      const id = (await links.nth(i).getAttribute("href")).slice(1);
      const target = page.locator(`[id="${id}"]`);
      if ((await target.count()) !== 1 || !((await target.getAttribute("class")) ?? "").includes("finding")) {
        problems.push(`finding link #${id} leads to no marked call`);
      }
    }
    if (marked > 0) {
      // Focusing a marked call shows its details.
      await page.locator("g.call.finding").first().focus();
      const details = await page.locator("#details").innerText();
      if (!details.includes("\"ev\":\"call\"")) problems.push("focusing a call does not show its trace lines");
    }
    if ((await page.locator("#orders").count()) !== 1) problems.push("no serial order section");
    what = `run page: ${clients} client lanes, ${n} finding(s), ${marked} marked call(s)`;
  } else if (await page.locator("#matrix").count() > 0) {
    if (!(await page.locator("#matrix").isVisible())) problems.push("the matrix is not visible");
    const links = page.locator("#failures a");
    const n = await links.count();
    for (let i = 0; i < n; i++) {
      const href = await links.nth(i).getAttribute("href");
      const target = resolve(dirname(resolve(file)), decodeURIComponent(href));
      if (!existsSync(target)) problems.push(`failure link ${href} names no file`);
    }
    what = `suite page: ${n} failure link(s)`;
  } else {
    problems.push("neither a run's page nor a suite's page");
  }
  await page.screenshot({ path: resolve(shots, basename(file).replace(/\.html$/, ".png")), fullPage: false });
  await page.close();
  if (problems.length > 0) {
    failed += 1;
    console.log(`FAIL ${file}: ${what}`);
    for (const p of problems) console.log(`  ${p}`);
  } else {
    console.log(`ok ${file}: ${what}`);
  }
}
await browser.close();
process.exit(failed > 0 ? 1 : 0);
