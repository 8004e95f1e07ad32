/**
 * The adaptive sweep's candidate runs as experiments (src/sweep/adaptive-candidates.ts): a new
 * cell, another seed of a cell already run, and under WSD a cooldown branch off the trunk its
 * size already has — sharing the trunk's training and warmup (so its id names that trunk and
 * the worker accepts its checkpoints), priced at its marginal FLOPs: its cooldown, plus the
 * trunk steps from the trunk's last saved step before it.
 */
import { describe, expect, it } from "vitest";
import { SweepConfig } from "../../src/config/schema.js";
import { plannedExperiment, type PlanOptions, type SizeProbe } from "../../src/planning/iso-flop.js";
import { candidateRuns, runAt } from "../../src/sweep/adaptive-candidates.js";
import { branchId, runId } from "../../src/sweep/experiment-identity.js";
import { buildExperiments, identitySource, type ExperimentContext } from "../../src/sweep/experiments.js";
import { plugin } from "../planning/one-experiment-fixture.js";

const probe = (d: number): SizeProbe => ({ size_value: d, n_params: 24 * d * d + 384 * d, n_params_embedding: 384 * d, n_params_non_embedding: 24 * d * d, flops_per_token: null });
const OPTIONS: Pick<PlanOptions, "flops" | "paramConvention"> = { flops: "6nd", paramConvention: "total" };
const cell = (budget: number, d: number) => plannedExperiment(budget, probe(d), OPTIONS, 1e4);

function context(schedule: "cosine" | "wsd"): ExperimentContext {
  const config = SweepConfig.parse({ planning: { budgets: [1e11, 2e11, 4e11] }, training: { schedule, batch_size: 4 } });
  return { config, plugin, tokensPerSample: 128, threadsPerWorker: 1, mock: null };
}

describe("adaptive candidates", () => {
  it("a cosine run of a new cell costs its budget; the same cell again is another seed, with its own id", () => {
    const ctx = context("cosine");
    const existing = buildExperiments({ budgets: [{ experiments: [cell(1e11, 32)] }] }, ctx);
    const runs = candidateRuns([cell(1e11, 32), cell(2e11, 32)], { experiments: existing, savedSteps: () => [] }, ctx, new Set());
    const again = runs.find((r) => r.experiment.budget_flops === 1e11)!;
    expect(again).toMatchObject({ kind: "seed", experiment: { seed: 1 } });
    expect(again.experiment.experiment_id).not.toBe(existing[0]!.experiment_id);
    const fresh = runs.find((r) => r.experiment.budget_flops === 2e11)!;
    expect(fresh).toMatchObject({ kind: "cell", experiment: { seed: 0 } });
    // Its budget, up to the rounding of its tokens to a whole number.
    expect(fresh.cost_flops / 2e11).toBeCloseTo(1, 5);
    // A cell whose run failed is not offered again.
    expect(candidateRuns([cell(2e11, 32)], { experiments: existing, savedSteps: () => [] }, ctx, new Set(["200000000000:32"]))).toEqual([]);
  });

  it("under WSD, a point of a size that has a trunk is a branch of it: the trunk's training, warmup and id, priced at its cooldown and the trunk steps beyond the last saved one", () => {
    const ctx = context("wsd");
    const seed = buildExperiments({ budgets: [{ experiments: [cell(1e11, 32)] }, { experiments: [cell(2e11, 32)] }] }, ctx);
    const trunk = seed[0]!.wsd!;
    expect(seed[1]!.wsd!.trunk_id).toBe(trunk.trunk_id);
    const saved = seed.map((e) => e.wsd!.branch_step);
    const so = { experiments: seed, savedSteps: (id: string) => (id === trunk.trunk_id ? saved : []) };
    const [beyond] = candidateRuns([cell(4e11, 32)], so, ctx, new Set());
    const branch = beyond!.experiment;
    expect(beyond!.kind).toBe("branch");
    expect(branch.training).toEqual(seed[0]!.training);
    expect(branch.wsd).toMatchObject({ trunk_id: trunk.trunk_id, warmup_steps: trunk.warmup_steps, tokens_per_step: trunk.tokens_per_step });
    const point = runId(identitySource(ctx), { size_value: 32, budget_flops: 4e11, n_tokens: branch.n_tokens, training: branch.training, seed: 0 });
    expect(branch.experiment_id).toBe(branchId(point, trunk.trunk_id));
    const perStep = branch.flops_per_token * trunk.tokens_per_step;
    const furthest = Math.max(...saved);
    expect(beyond!.cost_flops).toBeCloseTo((branch.wsd!.branch_step - furthest + branch.wsd!.total_steps - branch.wsd!.branch_step) * perStep, 0);
    expect(beyond!.cost_flops).toBeLessThan(0.7 * 4e11);

    // Between two saved branch points, the trunk resumes from the lower one.
    const [between] = candidateRuns([cell(1.5e11, 32)], so, ctx, new Set());
    const w = between!.experiment.wsd!;
    expect(w.branch_step).toBeGreaterThan(saved[0]!);
    expect(between!.cost_flops).toBeCloseTo((w.branch_step - saved[0]! + w.total_steps - w.branch_step) * perStep, 0);
    // Once its checkpoints are gone, the trunk trains from step 0: a branch costs a whole run.
    const [gone] = candidateRuns([cell(4e11, 32)], { ...so, savedSteps: () => [] }, ctx, new Set());
    expect(gone!.cost_flops).toBeCloseTo(gone!.experiment.wsd!.total_steps * perStep, 0);
  });

  it("under WSD, a new size or another seed starts a trunk of its own, at the cost of the whole point", () => {
    const ctx = context("wsd");
    const seed = buildExperiments({ budgets: [{ experiments: [cell(1e11, 32)] }] }, ctx);
    const so = { experiments: seed, savedSteps: () => seed.map((e) => e.wsd!.branch_step) };
    const runs = candidateRuns([cell(1e11, 48), cell(1e11, 32)], so, ctx, new Set());
    for (const run of runs) {
      expect(run.kind).toBe(run.experiment.size_value === 48 ? "cell" : "seed");
      expect(run.experiment.wsd!.trunk_id).not.toBe(seed[0]!.wsd!.trunk_id);
      expect(run.cost_flops / (run.experiment.flops_per_token * run.experiment.n_tokens)).toBeCloseTo(1, 2);
    }
    // A decision rebuilt from its record (cell and seed) names the same run.
    const again = runAt(cell(1e11, 48), 0, so, ctx)!;
    expect(again.experiment.experiment_id).toBe(runs.find((r) => r.experiment.size_value === 48)!.experiment.experiment_id);
  });
});
