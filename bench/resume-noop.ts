/**
 * A no-op resume of a 2,000-experiment sweep: `sweep` again on a run directory where
 * every experiment completed. With the probe cached in the run directory (probe.json) no
 * worker starts, and with fit.json and report/ current nothing is fitted or drawn again.
 * For comparison, side by side in one run: the same resume with probe.json removed (every
 * candidate size probed again), then with fit.json removed as well (fitted and drawn again:
 * the resume as it was before either cache).
 *
 *   npx tsx bench/resume-noop.ts                     # 400 budgets × 5 sizes, --mock
 *   npx tsx bench/resume-noop.ts --budgets 100       # 500 experiments
 *
 * The first sweep (the mock surface, 2 workers) takes about a minute on 2 cores. Target:
 * the no-op resume in under 10 s. Uses the built CLI (npm run build first).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../bin/run.js", import.meta.url));
const args = process.argv.slice(2);
const budgetCount = args.includes("--budgets") ? Number(args[args.indexOf("--budgets") + 1]) : 400;
const dir = mkdtempSync(join(tmpdir(), "ff-bench-resume-"));
const config = join(dir, "sweep.yaml");
const out = join(dir, "run");
const budgets = Array.from({ length: budgetCount }, (_, i) => Number((3e10 * (5e11 / 3e10) ** (i / Math.max(1, budgetCount - 1))).toPrecision(6)));
writeFileSync(config, ["name: resume-bench", "plugin: gpt", "flops: 6nd", "planning:", `  budgets: [${budgets.join(", ")}]`, "  sizes_per_budget: 5", "  refine_rounds: 0", ""].join("\n"));

function sweep(label: string): { seconds: number; summary: { completed: number; skipped: number } } {
  const start = performance.now();
  const run = spawnSync(process.execPath, [cli, "sweep", config, "--mock", "--json", "--out", out, "--bootstrap", "0", "--workers", "2"], { encoding: "utf8", maxBuffer: 1 << 30 });
  const seconds = (performance.now() - start) / 1000;
  if (run.status !== 0) {
    console.error(`${label} failed (exit ${run.status}):\n${run.stderr}\n${run.stdout.slice(0, 2000)}`);
    process.exit(1);
  }
  return { seconds, summary: JSON.parse(run.stdout) as { completed: number; skipped: number } };
}

console.log(`flops-fit no-op resume: ${budgetCount} budgets × 5 sizes under --mock, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
const first = sweep("the first sweep");
console.log(`first sweep:                    ${first.seconds.toFixed(1)} s (${first.summary.completed} experiments completed)`);
// Three times: on a shared machine single timings wander; the median is reported.
const resumes = [sweep("the resume"), sweep("the resume"), sweep("the resume")];
const cached = [...resumes].sort((x, y) => x.seconds - y.seconds)[1]!;
console.log(`no-op resume (median of 3):     ${cached.seconds.toFixed(1)} s [${resumes.map((r) => r.seconds.toFixed(1)).join(", ")}] (${cached.summary.skipped} skipped, ${cached.summary.completed} run)  target < 10 s: ${cached.seconds < 10 ? "PASS" : "FAIL"}`);
rmSync(join(out, "probe.json"));
const probed = sweep("the resume without probe.json");
console.log(`  probe.json removed:           ${probed.seconds.toFixed(1)} s (${(probed.seconds / cached.seconds).toFixed(2)}× the cached resume)`);
rmSync(join(out, "probe.json"));
rmSync(join(out, "fit.json"));
const refitted = sweep("the resume without probe.json and fit.json");
console.log(`  probe.json and fit.json gone: ${refitted.seconds.toFixed(1)} s (${(refitted.seconds / cached.seconds).toFixed(2)}× the cached resume)`);
rmSync(dir, { recursive: true, force: true });
