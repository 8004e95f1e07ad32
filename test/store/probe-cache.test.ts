import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SizeProbe } from "../../src/planning/iso-flop.js";
import { ProbeCache } from "../../src/store/probe-cache.js";
import { RunDir } from "../../src/store/run-dir.js";
import { cachedProbe } from "../../src/sweep/plan-stage.js";

const target = {
  model: { target: "plugins.gpt.model:GPT", size_param: "d_model", options: { n_layers: 2 } },
  data: { target: "plugins.gpt.data:ByteCorpus", options: {} },
  loss: null,
};
const probe = (size: number, flops: number | null): SizeProbe => ({ size_value: size, n_params: size * 100, n_params_embedding: size, n_params_non_embedding: size * 99, flops_per_token: flops });

/** A Probe that records what it was asked. */
function counting() {
  const asked: Array<{ sizes: number[]; measure: boolean }> = [];
  const run = async (sizes: number[], measure: boolean) => {
    asked.push({ sizes, measure });
    // Size 12 never builds (as a model whose heads must divide its width would refuse it).
    const built = sizes.filter((s) => s !== 12);
    const unbuildable = sizes.filter((s) => s === 12).map((s) => ({ size_value: s, error: "ValueError: 12 is not divisible by 8" }));
    return { sizes: built.map((s) => probe(s, measure ? s * 600 : null)), tokensPerSample: 128, trainTokens: 4e6, unbuildable };
  };
  return { asked, run };
}

describe("the probe cache", () => {
  it("a resumed sweep probes nothing it has probed before, and keeps measured FLOPs across counting probes", async () => {
    const file = new RunDir(mkdtempSync(join(tmpdir(), "ff-probe-")));
    const first = counting();
    const cached = cachedProbe(new ProbeCache(file, target), first.run);
    await cached([8, 16, 32], false);
    await cached([16], true);
    expect(first.asked).toEqual([{ sizes: [8, 16, 32], measure: false }, { sizes: [16], measure: true }]);

    const again = counting();
    const resumed = cachedProbe(new ProbeCache(file, target), again.run);
    expect(await resumed([8, 16, 32], false)).toMatchObject({ tokensPerSample: 128, sizes: [{ size_value: 8 }, { size_value: 16, flops_per_token: 9600 }, { size_value: 32 }] });
    expect(await resumed([16, 32], true)).toMatchObject({ sizes: [{ size_value: 16, flops_per_token: 9600 }, { size_value: 32, flops_per_token: 19200 }] });
    expect(again.asked).toEqual([{ sizes: [32], measure: true }]);
  });

  it("remembers the data's size and the sizes that did not build, so a resume asks for neither again", async () => {
    const file = new RunDir(mkdtempSync(join(tmpdir(), "ff-probe-")));
    await cachedProbe(new ProbeCache(file, target), counting().run)([8, 12, 16], false);
    const again = counting();
    const resumed = await cachedProbe(new ProbeCache(file, target), again.run)([8, 12, 16], false);
    expect(again.asked).toEqual([]);
    expect(resumed).toMatchObject({ trainTokens: 4e6, unbuildable: [{ size_value: 12 }], sizes: [{ size_value: 8 }, { size_value: 16 }] });
  });

  it("probes afresh when the model's options change, and under --no-resume", async () => {
    const file = new RunDir(mkdtempSync(join(tmpdir(), "ff-probe-")));
    await cachedProbe(new ProbeCache(file, target), counting().run)([8, 16], false);
    const changed = counting();
    await cachedProbe(new ProbeCache(file, { ...target, model: { ...target.model, options: { n_layers: 4 } } }), changed.run)([8, 16], false);
    expect(changed.asked).toHaveLength(1);
    const noResume = counting();
    await cachedProbe(new ProbeCache(file, target, false), noResume.run)([8, 16], false);
    expect(noResume.asked).toHaveLength(1);
  });
});
