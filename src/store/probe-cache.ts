/**
 * RUN_DIR/probe.json: what the probe measured (parameter counts, and FLOPs per token where
 * measured) per size value, for one model, data and loss. A resumed sweep plans from it
 * instead of building every candidate size again, which also keeps its plan, and so its
 * experiment ids, exactly as before. Keyed like experiment ids (model, data and loss with
 * their options): a changed option probes afresh; so does `--no-resume` (after editing
 * the model's code, say).
 */
import type { SizeProbe } from "../planning/iso-flop.js";
import type { DataSpec, LossSpec, ModelSpec, UnbuildableSize } from "../protocol/messages.js";
import { experimentId } from "./experiment-id.js";
import type { ProbeFile } from "./run-dir-entries.js";
import type { RunDir } from "./run-dir.js";

type CachedSize = ProbeFile["sizes"][number];

export interface ProbeLookup {
  found: SizeProbe[];
  /** Requested sizes known not to build. */
  unbuildable: UnbuildableSize[];
  missing: number[];
  tokensPerSample: number | null;
  trainTokens: number | null;
}

/** What a probe answered, as the cache stores it. */
export interface ProbeAnswer {
  sizes: readonly SizeProbe[];
  tokensPerSample: number;
  trainTokens: number | null;
  unbuildable: readonly UnbuildableSize[];
}

export class ProbeCache {
  private readonly key: string;
  private tokensPerSample: number | null = null;
  private trainTokens: number | null = null;
  private readonly sizes = new Map<number, CachedSize>();
  private readonly unbuildable = new Map<number, UnbuildableSize>();

  /** `read: false` starts empty (the file is still written). */
  constructor(private readonly runDir: RunDir, target: { model: ModelSpec; data: DataSpec; loss: LossSpec }, read = true) {
    this.key = experimentId({ model: target.model, data: target.data, loss: target.loss });
    if (!read) return;
    let stored: ProbeFile | null;
    try {
      const found = runDir.inspect("probe");
      stored = found && "value" in found ? found.value : null;
    } catch {
      stored = null; // not JSON: probe again and rewrite it
    }
    if (stored?.key !== this.key) return;
    this.tokensPerSample = stored.tokens_per_sample;
    this.trainTokens = stored.train_tokens ?? null;
    for (const size of stored.sizes) this.sizes.set(size.size_value, size);
    for (const size of stored.unbuildable ?? []) this.unbuildable.set(size.size_value, size);
  }

  /** The cached probes of `sizeValues` (with measured FLOPs when `measure`), and the sizes still to probe. */
  lookup(sizeValues: readonly number[], measure: boolean): ProbeLookup {
    const found: SizeProbe[] = [];
    const unbuildable: UnbuildableSize[] = [];
    const missing: number[] = [];
    for (const value of sizeValues) {
      const cached = this.sizes.get(value);
      const broken = this.unbuildable.get(value);
      if (cached && (!measure || cached.flops_measured) && this.tokensPerSample !== null) {
        const { flops_measured: _measured, ...probe } = cached;
        found.push(probe);
      } else if (broken && this.tokensPerSample !== null) unbuildable.push(broken);
      else missing.push(value);
    }
    return { found, unbuildable, missing, tokensPerSample: this.tokensPerSample, trainTokens: this.trainTokens };
  }

  /** Adds fresh probes and rewrites the file. */
  store(answer: ProbeAnswer, measured: boolean): void {
    const { sizes, tokensPerSample } = answer;
    this.tokensPerSample = tokensPerSample;
    this.trainTokens = answer.trainTokens;
    for (const size of answer.unbuildable) this.unbuildable.set(size.size_value, size);
    for (const size of sizes) {
      const before = this.sizes.get(size.size_value);
      // A counting probe carries no FLOPs: keep a measurement made earlier.
      const keep = !measured && before?.flops_measured;
      this.sizes.set(size.size_value, keep ? { ...size, flops_per_token: before.flops_per_token, flops_error: before.flops_error ?? null, flops_measured: true } : { ...size, flops_measured: measured });
    }
    this.runDir.write("probe", {
      key: this.key, tokens_per_sample: this.tokensPerSample, train_tokens: this.trainTokens,
      sizes: [...this.sizes.values()].sort((a, b) => a.size_value - b.size_value),
      unbuildable: [...this.unbuildable.values()].sort((a, b) => a.size_value - b.size_value),
    });
  }
}
