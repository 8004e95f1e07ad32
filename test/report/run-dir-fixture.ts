/**
 * Synthetic run directories for report tests: the fixture runs as results.jsonl, a
 * config.json and plan.json (with one experiment still pending), and optionally fit.json.
 */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResultRecord } from "../../src/store/record.js";
import { fixtureFit, fixtureRecords } from "./fixture.js";

export function writeRunDir(options: { fit?: boolean; records?: ResultRecord[]; dir?: string } = {}): string {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "flops-fit-report-"));
  mkdirSync(join(dir, "logs"), { recursive: true });
  const records = options.records ?? fixtureRecords();
  const config = { name: "report-fixture", plugin: "gpt", param_convention: "total", scheduler: { device: "cpu", workers: 2 }, planning: { budgets: [1e11, 3e11, 1e12, 3e12, 1e13], sizes_per_budget: 5 }, mock_enabled: true };
  const experiments = [
    ...records.map((r) => ({ experiment_id: r.experiment_id, budget_flops: r.budget_flops, n_params: r.n_params, n_params_total: r.n_params, n_tokens: r.n_tokens_planned })),
    { experiment_id: "pending01", budget_flops: 1e13, n_params: 9e5, n_params_total: 9e5, n_tokens: 1.85e6 },
  ];
  writeFileSync(join(dir, "config.json"), JSON.stringify(config, null, 2));
  writeFileSync(join(dir, "plan.json"), JSON.stringify({ budgets: [], warnings: ["budget 1e+13: largest size at the edge of the candidates"], experiments }, null, 2));
  writeFileSync(join(dir, "results.jsonl"), records.map((r) => JSON.stringify(r) + "\n").join(""));
  if (options.fit) {
    writeFileSync(join(dir, "fit.json"), JSON.stringify(fixtureFit(), null, 2));
    // fit.json must be at least as new as results.jsonl to be used as is.
    const now = new Date();
    utimesSync(join(dir, "results.jsonl"), new Date(now.getTime() - 60_000), new Date(now.getTime() - 60_000));
  }
  return dir;
}
