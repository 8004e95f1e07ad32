import { describe, expect, it } from "vitest";
import { epochsWarning } from "../../src/fit/epochs.js";
import type { FitOutput } from "../../src/fit/fit-rows.js";
import type { ResultRecord } from "../../src/store/record.js";
import { RunDir } from "../../src/store/run-dir.js";
import { sweepVerdict } from "../../src/sweep/sweep-verdict.js";
import { errorLine } from "../../src/util/error-line.js";

const TRACEBACK = `Traceback (most recent call last):
  File "training.py", line 12, in train
    loss = model(x)
ValueError: heads=3 must divide width=32
`;

const record = (id: string, budget: number, status: ResultRecord["status"], error: string | null = null): ResultRecord => ({
  experiment_id: id, attempt: 1, status, budget_flops: budget, size_value: 8, n_params: 100, n_params_embedding: 0, n_params_non_embedding: 100,
  n_tokens: 10, n_tokens_planned: 10, flops_6nd: 6000, flops_measured: null, loss: status === "completed" ? 1 : null, train_loss: null, wall_s: 1, error, finished_at: "",
});

describe("no failure hides", () => {
  it("errorLine is a traceback's exception line, else the first line", () => {
    expect(errorLine(TRACEBACK)).toBe("ValueError: heads=3 must divide width=32");
    expect(errorLine(`exception: ValueError: x\n${TRACEBACK}`)).toBe("ValueError: heads=3 must divide width=32");
    expect(errorLine("worker w0 killed by SIGKILL\nworker log tail:\n...")).toBe("worker w0 killed by SIGKILL");
    expect(errorLine(null)).toBe("");
  });

  it("a budget with no completed run, and a fit without a usable approach, fail the sweep; each failure keeps its exception line", () => {
    const runDir = new RunDir("/tmp/ff-verdict");
    const records = [record("a", 1e9, "completed"), record("b", 1e10, "failed", TRACEBACK), record("c", 1e10, "oom", "CUDA out of memory")];
    const fit = { preferred_approach: null, approaches: { "2": { warnings: ["approach 2: no law: 1 usable budget of 2 (need at least 3)"] } } } as unknown as FitOutput;
    const verdict = sweepVerdict(records, new Set(["a", "b", "c"]), [1e9, 1e10, 1e11], fit, runDir);
    expect(verdict.failures.map((f) => [f.experiment_id, f.error_line])).toEqual([["b", "ValueError: heads=3 must divide width=32"], ["c", "CUDA out of memory"]]);
    expect(verdict.failures[0]!.log).toBe("/tmp/ff-verdict/logs/errors/b-1.txt");
    expect(verdict.problems).toEqual([
      "budget 1.00e+10: none of its 2 runs completed (e.g. size 8: ValueError: heads=3 must divide width=32)",
      "budget 1.00e+11: no run was planned (no candidate size fell within its window; see the plan warnings)",
      "the fit has no usable approach (approach 2: no law: 1 usable budget of 2 (need at least 3))",
    ]);
  });

  it("runs that see their data more than once are a warning naming the most epochs (Muennighoff et al. 2023)", () => {
    expect(epochsWarning([{ epochs: 0.5 }, { epochs: null }], 1000)).toBeNull();
    expect(epochsWarning([{ epochs: 0.5 }, { epochs: 3.25 }, { epochs: 12 }], 1438)).toMatch(/^2 of 3 planned runs see their training data of 1\.44e\+3 tokens more than once \(up to 12\.0 epochs\)/);
  });
});

describe("the fit's left-out line", () => {
  it("names why runs were left out: a completed run without a loss is not '1 completed'", async () => {
    const { fitRows } = await import("../../src/fit/fit-rows.js");
    const rows = [1e18, 1e19, 1e20].flatMap((budget) => [0.4, 1, 2.5].map((factor) => {
      const n = Math.sqrt(budget / 120) * factor;
      const d = budget / (6 * n);
      return { experiment_id: `b${budget}f${factor}`, status: "completed" as const, n_params: n, n_params_non_embedding: n, n_tokens: d, loss: 1.69 + 406.4 / n ** 0.34 + 410.7 / d ** 0.28 as number | null, budget_flops: budget, error: null, epochs: null };
    }));
    rows[0] = { ...rows[0]!, loss: null };
    rows[1] = { ...rows[1]!, status: "failed" as never, loss: null };
    const fit = fitRows(rows, { approaches: [2], bootstrap: 0, seed: 0, confidence: 0.95, predict: [], paramConvention: "total" });
    expect(fit.warnings[0]).toBe("2 runs left out of the fit (1 without a held-out loss, 1 failed); see left_out");
  });
});
