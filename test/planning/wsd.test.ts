import { describe, expect, it } from "vitest";
import { SweepConfig } from "../../src/config/schema.js";
import { planIsoFlopSweep, type SizeProbe, type SweepPlan } from "../../src/planning/iso-flop.js";
import { branchStep, cooldownSteps, sharedLadderPicks, stepsFor, trunkWarmupSteps, wsdCost } from "../../src/planning/wsd.js";
import { buildExperiments } from "../../src/sweep/experiments.js";
import { plannedCost, trunksOf } from "../../src/sweep/wsd-experiments.js";
import { definitionFingerprint, sweepDefinition } from "../../src/store/sweep-definition.js";
import { plugin } from "./one-experiment-fixture.js";

/** One size at three budgets (D ×2 apart) plus another size at the largest budget. */
const plan: SweepPlan = {
  warnings: [],
  budgets: [1e12, 2e12, 4e12].map((budget) => ({
    budget_flops: budget, prior_n_opt: 1e5, n_range: [3e4, 3e5] as [number, number],
    experiments: [
      { budget_flops: budget, size_value: 64, n_params: 1e5, n_params_total: 1e5, n_params_embedding: 1e4, n_tokens: budget / 6e5, tokens_per_param: budget / 6e10, flops_per_token: 6e5, n_over_prior_opt: 1 },
      ...(budget === 4e12 ? [{ budget_flops: budget, size_value: 128, n_params: 3e5, n_params_total: 3e5, n_params_embedding: 2e4, n_tokens: budget / 1.8e6, tokens_per_param: 1, flops_per_token: 1.8e6, n_over_prior_opt: 3 }] : []),
    ],
  })),
};

function experiments(training: Record<string, unknown>) {
  const config = SweepConfig.parse({ planning: { budgets: [1e12, 2e12, 4e12] }, training });
  return buildExperiments(plan, { config, plugin, tokensPerSample: 128, threadsPerWorker: 1, mock: null });
}

describe("WSD step arithmetic", () => {
  it("branches each point at T − round(f·T), keeping at least one step on each side", () => {
    expect(stepsFor(1000, 128)).toBe(8);
    expect(cooldownSteps(100, 0.2)).toBe(20);
    expect(branchStep(100, 0.2)).toBe(80);
    expect(cooldownSteps(3, 0.01)).toBe(1);
    expect(branchStep(2, 0.5)).toBe(1);
    expect(trunkWarmupSteps([400, 100, 200], 0.05)).toBe(5);
  });

  it("costs a trunk its last branch point plus every cooldown, against every point in full under cosine", () => {
    // Points of 100, 200, 400 steps, f = 0.2: trunk to 320, cooldowns 20 + 40 + 80 = 140.
    const cost = wsdCost([{ flops_per_step: 2, branches: [100, 200, 400].map((t) => ({ total_steps: t, branch_step: branchStep(t, 0.2) })) }]);
    expect(cost).toEqual({ train_flops: 2 * (320 + 140), cosine_equivalent_flops: 2 * 700 });
  });
});

describe("the shared size ladder", () => {
  it("gives budgets ×2 apart mostly the same sizes, each budget its count around its prior", () => {
    const candidates = Array.from({ length: 60 }, (_, i) => 1e3 * 1.1 ** i);
    const priors = [1, 2, 4, 8, 16].map((k) => Math.sqrt((3e10 * k) / 360));
    const picks = sharedLadderPicks(candidates, priors, 4, 5);
    expect(picks.every((p) => p.length === 5)).toBe(true);
    for (let i = 1; i < picks.length; i++) {
      const shared = picks[i]!.filter((index) => picks[i - 1]!.includes(index)).length;
      expect(shared).toBeGreaterThanOrEqual(4);
    }
    // Each budget's middle size stays within half a rung (×√2) of its prior.
    picks.forEach((p, i) => expect(Math.abs(Math.log(candidates[p[2]!]! / priors[i]!))).toBeLessThanOrEqual(Math.log(2) / 2 + Math.log(1.1)));
  });

  it("is what planIsoFlopSweep uses when sizes are shared, and fewer distinct sizes result", () => {
    const probes: SizeProbe[] = Array.from({ length: 48 }, (_, i) => {
      const n = 2e3 * 1.1 ** i;
      return { size_value: i + 1, n_params: n, n_params_embedding: 0, n_params_non_embedding: n, flops_per_token: null };
    });
    const options = { budgets: [3e10, 6e10, 1.2e11, 2.5e11, 5e11], sizesPerBudget: 5, tokensPerParam: 60, span: 4, paramConvention: "total" as const, flops: "6nd" as const };
    const distinct = (shareSizes: boolean) => new Set(planIsoFlopSweep(probes, { ...options, shareSizes }).budgets.flatMap((b) => b.experiments.map((e) => e.size_value))).size;
    expect(distinct(true)).toBeLessThan(distinct(false));
    expect(distinct(true)).toBeLessThanOrEqual(8);
  });
});

describe("WSD experiments and their identity", () => {
  it("puts the points of one size on one trunk, with the hyper-parameters of its shortest point", () => {
    const list = experiments({ schedule: "wsd" });
    const trunks = trunksOf(list);
    expect(trunks.map((t) => t.branches.length).sort()).toEqual([1, 3]);
    const shared = trunks.find((t) => t.branches.length === 3)!;
    expect(new Set(shared.branches.map((b) => b.training.batch_size)).size).toBe(1);
    expect(shared.steps).toBe(Math.max(...shared.branches.map((b) => b.wsd!.branch_step)));
    for (const branch of shared.branches) {
      expect(branch.wsd!.branch_step).toBe(branchStep(branch.wsd!.total_steps, 0.2));
      expect(branch.wsd!.branch_tokens).toBe(branch.wsd!.branch_step * branch.wsd!.tokens_per_step);
    }
  });

  it("never names a branch like a cosine run of the same point, and a different cooldown makes a different trunk", () => {
    const cosine = experiments({});
    const wsd = experiments({ schedule: "wsd" });
    const longer = experiments({ schedule: "wsd", cooldown_fraction: 0.3 });
    expect(cosine.every((e) => e.wsd === undefined && e.training.schedule === undefined)).toBe(true);
    const ids = (list: typeof cosine) => list.map((e) => e.experiment_id);
    expect(ids(wsd).some((id) => ids(cosine).includes(id))).toBe(false);
    expect(ids(longer).some((id) => ids(wsd).includes(id))).toBe(false);
    expect(new Set(longer.map((e) => e.wsd!.trunk_id))).not.toEqual(new Set(wsd.map((e) => e.wsd!.trunk_id)));
  });

  it("keeps a cosine sweep's definition as it was, and makes the schedule part of a WSD sweep's", () => {
    const definition = (training: Record<string, unknown>) => definitionFingerprint(sweepDefinition({ config: SweepConfig.parse({ planning: { budgets: [1e12] }, training }), plugin, mock: null, flops: "measured" }));
    expect(definition({})).toBe(definition({ cooldown_fraction: 0.3 }));
    expect(definition({ schedule: "wsd" })).not.toBe(definition({}));
    expect(definition({ schedule: "wsd" })).not.toBe(definition({ schedule: "wsd", cooldown_fraction: 0.3 }));
  });

  it("plans less training than a cosine sweep of the same points", () => {
    const cost = plannedCost(experiments({ schedule: "wsd" }));
    expect(cost.train_flops).toBeLessThan(cost.cosine_equivalent_flops);
    const cosine = plannedCost(experiments({}));
    expect(cosine.train_flops).toBe(cosine.cosine_equivalent_flops);
  });
});
