import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal } from "../../src/store/journal.js";
import { runCli } from "./cli.js";
import { sweepDir } from "./sweep-dir.js";

describe("grid refinement", () => {
  it("adds sizes where a budget's minimum sits at the edge, and a resumed sweep re-runs none of them", async () => {
    // A prior of 500 tokens per parameter puts every grid well below the surface's optimum.
    const { config, out } = sweepDir("refine", ["plugin: gpt", "planning:", "  budgets: [1e12, 1e13, 1e14]", "  sizes_per_budget: 4", "  tokens_per_param: 500", "flops: 6nd"]);
    const first = await runCli(["sweep", config, "--mock", "--json", "--out", out, "--workers", "2", "--bootstrap", "0"]);
    expect(first.code, first.stdout.slice(0, 1500) + first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as { completed: number; plan_warnings: string[] };
    const plan = JSON.parse(readFileSync(join(out, "plan.json"), "utf8")) as { refinements: Array<{ side: string; experiment_ids: string[] }> };
    expect(plan.refinements).toHaveLength(3);
    for (const r of plan.refinements) expect(r).toMatchObject({ side: "larger", experiment_ids: [expect.any(String), expect.any(String)] });
    expect(summary.completed).toBe(12 + 6);
    expect(summary.plan_warnings.join("\n")).toMatch(/lowest loss at the largest size sampled; adding 2 larger sizes/);
    expect(readJournal(join(out, "results.jsonl")).records).toHaveLength(18);

    const again = await runCli(["sweep", config, "--mock", "--json", "--out", out, "--workers", "2", "--bootstrap", "0"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ completed: 0, skipped: 18 });
  }, 240_000);
});
