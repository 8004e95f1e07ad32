import { describe, expect, it } from "vitest";
import { TrainingConfig } from "../../src/config/schema.js";
import { autoBatchSize, autoBeta2, autoLearningRate, resolveHyper } from "../../src/planning/hyper.js";

const defaults = TrainingConfig.parse({});

describe("per-run hyper-parameter rules", () => {
  it("lowers the learning rate as models grow, per the configured power law", () => {
    expect(autoLearningRate(defaults, 1e5)).toBeCloseTo(3e-3, 10);
    expect(autoLearningRate(defaults, 1.6e6)).toBeCloseTo(3e-3 / 8, 10); // (16)^-0.75 = 1/8
    expect(autoLearningRate(defaults, 1e12)).toBe(1e-4); // clipped
  });

  it("picks a power-of-two batch in [4, 64] that leaves ~1000 steps", () => {
    expect(autoBatchSize(128 * 32 * 1000, 128)).toBe(32);
    expect(autoBatchSize(1e3, 128)).toBe(4);
    expect(autoBatchSize(1e12, 128)).toBe(64);
  });

  it("raises AdamW beta2 for small batches (Porian et al. 2024)", () => {
    expect(autoBeta2(8 * 128)).toBe(0.99);
    expect(autoBeta2(64 * 512)).toBe(0.95);
  });

  it("keeps explicit settings as given", () => {
    const fixed = TrainingConfig.parse({ lr: 1e-3, batch_size: 16, beta2: 0.9, threads: 3 });
    expect(resolveHyper(fixed, { nParams: 1e6, nTokens: 1e7, tokensPerSample: 128, threads: 1 })).toMatchObject({ lr: 1e-3, batch_size: 16, beta2: 0.9, threads: 3 });
  });
});
