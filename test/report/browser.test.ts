/**
 * The report in a real browser: headless Chromium (apt's /usr/bin/chromium) through
 * playwright-core opens report/index.html from disk. No console errors, no request but
 * the file itself, every figure laid out with a non-zero size; the screenshot is saved to
 * test-artifacts/report.png. Skipped (with the reason) where Chromium is not installed.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { writeReport } from "../../src/report/write-report.js";
import { writeRunDir } from "./run-dir-fixture.js";

const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

describe.skipIf(!HAVE_CHROMIUM)(`report in headless Chromium${HAVE_CHROMIUM ? "" : ` (skipped: ${CHROMIUM} not found; install it with: apt-get install -y chromium)`}`, () => {
  it("loads from file:// with no console errors, no other requests, every figure visible; screenshot saved", async () => {
    const runDir = writeRunDir({ fit: true });
    const report = writeReport(runDir);
    const index = report.files[0]!;
    const figures = report.files.filter((f) => f.endsWith(".svg")).length;
    const profile = mkdtempSync(join(tmpdir(), "flops-fit-chromium-"));
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1400, height: 900 } });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(error.message));
      context.on("request", (request) => requests.push(request.url()));
      const url = pathToFileURL(index).href;
      await page.goto(url, { waitUntil: "load" });
      const sizes = await page.$$eval("figure svg", (svgs) => svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        return { width: box.width, height: box.height };
      }));
      mkdirSync("test-artifacts", { recursive: true });
      await page.screenshot({ path: join("test-artifacts", "report.png"), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);
      expect(sizes).toHaveLength(figures);
      for (const size of sizes) {
        expect(size.width).toBeGreaterThan(100);
        expect(size.height).toBeGreaterThan(100);
      }
      expect(await page.title()).toBe("flops-fit report: report-fixture");
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      rmSync(runDir, { recursive: true, force: true });
    }
  });
});
