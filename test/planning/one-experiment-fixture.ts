/** A one-experiment plan of the built-in GPT, for tests of what names an experiment. */
import type { SweepPlan } from "../../src/planning/iso-flop.js";
import type { ResolvedPlugin } from "../../src/plugins/registry.js";

export const plan: SweepPlan = {
  warnings: [],
  budgets: [{
    budget_flops: 1e12, prior_n_opt: 1e5, n_range: [3e4, 3e5],
    experiments: [{ budget_flops: 1e12, size_value: 64, n_params: 1e5, n_params_total: 1e5, n_params_embedding: 1e4,
      n_tokens: 1.6e6, tokens_per_param: 16, flops_per_token: 6e5, n_over_prior_opt: 1 }],
  }],
};

export const plugin: ResolvedPlugin = {
  name: "gpt", description: "", manifestFile: null, sysPath: [], flops: "measured",
  model: { target: "plugins.gpt.model:GPT", size_param: "d_model", options: {} },
  data: { target: "plugins.gpt.data:ByteCorpus", options: {} },
  loss: { target: "flops_fit_worker.losses:next_token_cross_entropy" },
};
