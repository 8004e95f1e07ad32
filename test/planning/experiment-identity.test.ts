import { describe, expect, it } from "vitest";
import { SweepConfig } from "../../src/config/schema.js";
import { buildExperiments } from "../../src/sweep/experiments.js";
import { plan, plugin } from "./one-experiment-fixture.js";


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
