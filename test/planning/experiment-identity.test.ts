import { describe, expect, it } from "vitest";
import { SweepConfig } from "../../src/config/schema.js";
import type { SweepPlan } from "../../src/planning/iso-flop.js";
import type { ResolvedPlugin } from "../../src/plugins/registry.js";
import { buildExperiments } from "../../src/sweep/experiments.js";

const plan: SweepPlan = {
  warnings: [],
  budgets: [{
    budget_flops: 1e12, prior_n_opt: 1e5, n_range: [3e4, 3e5],
    experiments: [{ budget_flops: 1e12, size_value: 64, n_params: 1e5, n_params_total: 1e5, n_params_embedding: 1e4,
      n_tokens: 1.6e6, tokens_per_param: 16, flops_per_token: 6e5, n_over_prior_opt: 1 }],
  }],
};
const plugin: ResolvedPlugin = {
  name: "gpt", description: "", manifestFile: null, sysPath: [], flops: "measured",
  model: { target: "plugins.gpt.model:GPT", size_param: "d_model", options: {} },
  data: { target: "plugins.gpt.data:ByteCorpus", options: {} },
  loss: { target: "flops_fit_worker.losses:next_token_cross_entropy" },
};

function experimentFor(training: Record<string, unknown>) {
  const config = SweepConfig.parse({ planning: { budgets: [1e12] }, training });
  return buildExperiments(plan, { config, plugin, tokensPerSample: 128, threadsPerWorker: 1, mock: null })[0]!;
}

describe("experiment ids and the engine settings", () => {
  it("micro-batches, compile and auto precision change speed, not the run: they leave the id unchanged", () => {
    const plain = experimentFor({});
    expect(experimentFor({ micro_batch_size: 4, compile: true, mixed_precision: "auto" }).experiment_id).toBe(plain.experiment_id);
    expect(plain.training).toMatchObject({ mixed_precision: "auto", micro_batch_size: null, compile: false });
  });

  it("an explicit precision is part of the run's identity", () => {
    const ids = ["no", "bf16", "fp16"].map((precision) => experimentFor({ mixed_precision: precision }).experiment_id);
    expect(new Set([...ids, experimentFor({}).experiment_id]).size).toBe(4);
  });
});
