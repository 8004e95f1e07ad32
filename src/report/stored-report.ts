/** report/ as it is, when it is current: its index.html is at least as new as fit.json (the sweep then does not draw it again). */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { RunDir } from "../store/run-dir.js";

/** report/'s files (index.html first) when it is at least as new as fit.json, else null. */
export function storedReport(runDir: RunDir): { report_dir: string; files: string[] } | null {
  const index = join(runDir.report, "index.html");
  if (!existsSync(index) || !existsSync(runDir.fit) || statSync(index).mtimeMs < statSync(runDir.fit).mtimeMs) return null;
  const figures = readdirSync(runDir.report).filter((name) => /\.(svg|png)$/.test(name)).sort().map((name) => join(runDir.report, name));
  return { report_dir: runDir.report, files: [index, ...figures] };
}
