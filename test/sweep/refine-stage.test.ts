/**
 * The refinement stage on a scripted executor (moved from test/integration/refine.test.ts:
 * what it proves is the orchestrator's, the worker only answers --mock runs): a budget whose
 * minimum sits at the edge of its grid gets more sizes, and a resumed sweep re-runs none.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal } from "../../src/store/journal.js";
import { scriptedSweepDir, sweepScripted } from "./scripted-sweep.js";

describe("grid refinement", () => {
  it("adds sizes where a budget's minimum sits at the edge, and a resumed sweep re-runs none of them", async () => {
    // A prior of 500 tokens per parameter puts every grid well below the surface's optimum.
    const sweep = scriptedSweepDir("refine", ["plugin: gpt", "planning:", "  budgets: [1e12, 1e13, 1e14]", "  sizes_per_budget: 4", "  tokens_per_param: 500", "flops: 6nd"]);
    // `sweep --json` reports the outcome's counts and warnings as they are (finish.ts).
    const summary = (await sweepScripted(sweep, { noFinish: true })).outcome;
    const plan = JSON.parse(readFileSync(join(sweep.out, "plan.json"), "utf8")) as { refinements: Array<{ side: string; experiment_ids: string[] }> };
    expect(plan.refinements).toHaveLength(3);
    for (const r of plan.refinements) expect(r).toMatchObject({ side: "larger", experiment_ids: [expect.any(String), expect.any(String)] });
    expect(summary.completed).toBe(12 + 6);
    expect(summary.planWarnings.join("\n")).toMatch(/lowest loss at the largest size sampled; adding 2 larger sizes/);
    expect(readJournal(join(sweep.out, "results.jsonl")).records).toHaveLength(18);

    const again = await sweepScripted(sweep, { noFinish: true });
    expect(again.outcome).toMatchObject({ completed: 0, skipped: 18 });
  });
});
