import { describe, expect, it } from "vitest";
import { SweepConfig } from "../../src/config/schema.js";
import { definitionFingerprint, sweepDefinition } from "../../src/store/sweep-definition.js";
import { buildExperiments } from "../../src/sweep/experiments.js";
import { plan, plugin } from "./one-experiment-fixture.js";

const configOf = (planning: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) => SweepConfig.parse({ planning: { budgets: [1e12], ...planning }, ...rest });
const experiments = (config: SweepConfig, mock: SweepConfig["mock"] | null = null) => buildExperiments(plan, { config, plugin, tokensPerSample: 128, threadsPerWorker: 1, mock });

describe("planning.seeds and the identity of existing sweeps", () => {
  // Pinned from the code before seeds, lr: calibrate and mock.lr_optimum existed: an old run
  // directory's experiments and definition must keep their ids, or its resume would re-run everything.
  it("with one seed (the default) experiment ids and definition fingerprints are those of earlier versions", () => {
    const config = configOf();
    expect(config.planning.seeds).toBe(1);
    expect(experiments(config)[0]!.experiment_id).toBe("da3ef21dee16");
    expect(experiments(config, { ...config.mock })[0]!.experiment_id).toBe("07bbbc7ffb7b");
    expect(definitionFingerprint(sweepDefinition({ config, plugin, mock: null, flops: "measured" }))).toBe("7c5c73ad7d99");
    expect(definitionFingerprint(sweepDefinition({ config, plugin, mock: { ...config.mock }, flops: "6nd" }))).toBe("0f9412d21024");
  });

  it("seeds: 3 repeats every point with seeds seed, seed+1, seed+2 and distinct ids, the first being the one-seed id", () => {
    const repeated = experiments(configOf({ seeds: 3 }, { seed: 7 }));
    expect(repeated.map((e) => e.seed)).toEqual([7, 8, 9]);
    expect(new Set(repeated.map((e) => e.experiment_id)).size).toBe(3);
    expect(repeated[0]!.experiment_id).toBe(experiments(configOf({}, { seed: 7 }))[0]!.experiment_id);
    expect(new Set(repeated.map((e) => e.training.lr)).size).toBe(1);
  });

  it("seeds add points to the same law: they are not part of the sweep definition", () => {
    const one = configOf();
    const three = configOf({ seeds: 3 });
    expect(definitionFingerprint(sweepDefinition({ config: three, plugin, mock: null, flops: "measured" })))
      .toBe(definitionFingerprint(sweepDefinition({ config: one, plugin, mock: null, flops: "measured" })));
  });

  it("lr: calibrate and a mock LR optimum are part of the definition (they change results)", () => {
    const base = configOf();
    const fingerprint = (config: SweepConfig, mock: SweepConfig["mock"] | null) => definitionFingerprint(sweepDefinition({ config, plugin, mock, flops: "6nd" }));
    const calibrated = configOf({}, { training: { lr: "calibrate" } });
    expect(fingerprint(calibrated, null)).not.toBe(fingerprint(base, null));
    const withOptimum = configOf({}, { mock: { lr_optimum: { c: 1, k: 0.5 } } });
    expect(fingerprint(base, { ...withOptimum.mock })).not.toBe(fingerprint(base, { ...base.mock }));
  });
});
