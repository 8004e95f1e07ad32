/**
 * The sweep's first stage, shared with `plan`: probe the model family (or read the run
 * directory's probe cache), plan the IsoFLOP sweep (planning/iso-flop.ts) and name its
 * experiments (experiments.ts). Parameter counts are cheap and decide which sizes each budget
 * uses; every planned size then takes one real forward/backward step (its FLOPs per token
 * counted by torch), and the targets' alignment is checked once: a model that cannot train
 * stops here, before any run.
 */
import type { SweepConfig } from "../config/schema.js";
import { epochsWarning } from "../fit/epochs.js";
import { seedPlanOptions } from "../planning/adaptive-design.js";
import { planIsoFlopSweep, type PlanOptions } from "../planning/iso-flop.js";
import { candidateSizeValues } from "../planning/size-grid.js";
import type { ResolvedPlugin } from "../plugins/registry.js";
import type { MockSurface } from "../protocol/messages.js";
import type { Executor } from "../scheduler/executor.js";
import { ProbeCache } from "../store/probe-cache.js";
import { buildExperiments, type ExperimentContext } from "./experiments.js";
import { assertSeedWithinCap } from "./adaptive-plan.js";
import { assertSomeSizeBuilds, assertTrainable, unbuildableWarning } from "./preflight.js";
import { probeSizes, type ProbeOutcome } from "./probe.js";
import type { SweepRun, SweepState } from "./sweep-run.js";

const DEFAULT_SIZE_VALUES = { min: 16, max: 512, count: 24, multiple_of: 8 };

/**
 * How a run's compute is counted. Under --mock the loss surface's closed-form optimum
 * (a = beta/(alpha+beta)) is derived for C = 6·N·D, so the mock plans with 6·N·D too:
 * otherwise the known truth would not be the truth of the plan.
 */
export function flopsAccounting(configured: "measured" | "6nd", mock: MockSurface | null): "measured" | "6nd" {
  return mock ? "6nd" : configured;
}

/** Probes `sizeValues` (FLOPs per token too when `measure`). */
export type Probe = (sizeValues: number[], measure: boolean) => Promise<ProbeOutcome>;

/** A Probe on an executor, waiting for a worker first (so an executor that cannot start says why). */
export function executorProbe(executor: Executor, plugin: ResolvedPlugin): Probe {
  return async (sizeValues, measure) => {
    await executor.ready();
    return probeSizes(executor, plugin, sizeValues, measure);
  };
}

/** A Probe that answers from the run directory's probe cache and probes only what it lacks. */
export function cachedProbe(cache: ProbeCache, probe: Probe): Probe {
  return async (sizeValues, measure) => {
    const cached = cache.lookup(sizeValues, measure);
    if (cached.missing.length === 0 && cached.tokensPerSample !== null) {
      return { sizes: cached.found, tokensPerSample: cached.tokensPerSample, trainTokens: cached.trainTokens, unbuildable: cached.unbuildable };
    }
    const fresh = await probe(cached.missing, measure);
    cache.store(fresh, measure);
    const bySize = new Map([...cached.found, ...fresh.sizes].map((s) => [s.size_value, s]));
    return {
      sizes: sizeValues.flatMap((v) => bySize.get(v) ?? []), tokensPerSample: fresh.tokensPerSample,
      trainTokens: fresh.trainTokens, unbuildable: [...cached.unbuildable, ...fresh.unbuildable],
    };
  };
}

/** What a plan is made from: the config, the plugin, the mock surface and the threads each worker gets. */
export interface PlanSource {
  config: SweepConfig;
  plugin: ResolvedPlugin;
  mock: MockSurface | null;
  threadsPerWorker: number;
}

/** What determines the experiments of a plan at a learning-rate rule (null: the built-in one). */
export function experimentContext(source: PlanSource, probe: ProbeOutcome, lrRule: SweepState["lrRule"]): ExperimentContext {
  return { config: source.config, plugin: source.plugin, tokensPerSample: probe.tokensPerSample, threadsPerWorker: source.threadsPerWorker, mock: source.mock, trainTokens: probe.trainTokens, lrRule };
}

/** Probes sizes and plans the sweep (`plan` and `sweep`, `--mock` included); the plan's state before calibration and runs. */
export async function planSweep(source: PlanSource, probe: Probe): Promise<SweepState> {
  const { config, plugin, mock } = source;
  const sizeValues = candidateSizeValues(config.planning.size_values ?? plugin.defaultSizeValues ?? DEFAULT_SIZE_VALUES as never);
  const counted = await probe(sizeValues, false);
  assertSomeSizeBuilds(counted.sizes, counted.unbuildable, plugin.model.target);
  const gridOptions: PlanOptions = {
    budgets: config.planning.budgets,
    sizesPerBudget: config.planning.sizes_per_budget,
    tokensPerParam: config.planning.tokens_per_param,
    span: config.planning.span,
    paramConvention: config.param_convention,
    flops: flopsAccounting(config.flops, mock),
    shareSizes: config.training.schedule === "wsd",
  };
  // An adaptive sweep plans its seed design here; its stage (adaptive-stage.ts) chooses the rest.
  const planOptions = config.planning.strategy === "adaptive" ? seedPlanOptions(gridOptions) : gridOptions;
  const chosen = [...new Set(planIsoFlopSweep(counted.sizes, planOptions).budgets.flatMap((b) => b.experiments.map((e) => e.size_value)))].sort((a, b) => a - b);
  const stepped = await probe(chosen, true);
  assertTrainable(chosen, stepped.sizes, plugin.model.target);
  const bySize = new Map(stepped.sizes.map((s) => [s.size_value, s]));
  // Under `flops: 6nd` (and --mock) the step only proves the model trains; its count is not used.
  const measured = planOptions.flops === "measured";
  const probed = {
    ...counted,
    sizes: counted.sizes.map((s) => ({ ...s, flops_per_token: measured ? bySize.get(s.size_value)?.flops_per_token ?? null : null, flops_error: bySize.get(s.size_value)?.flops_error ?? null })),
  };
  const plan = planIsoFlopSweep(probed.sizes, planOptions);
  const experiments = buildExperiments(plan, experimentContext(source, probed, null));
  for (const warning of [unbuildableWarning(counted.unbuildable), epochsWarning(experiments, probed.trainTokens)]) {
    if (warning) plan.warnings.push(warning);
  }
  return { plan, planOptions, probe: probed, lrRule: null, experiments, refinements: [] };
}

/** The sweep's stage: plan on its executor, from the probe cache where it can (`--no-resume` probes afresh). */
export async function plan(run: SweepRun): Promise<SweepState> {
  const state = await planSweep(planSource(run), runProbe(run, run.resume));
  assertSeedWithinCap({ ...run.loaded, config: run.config }, state.experiments);
  return state;
}

export function planSource(run: Pick<SweepRun, "config" | "plugin" | "mock" | "resources">): PlanSource {
  return { config: run.config, plugin: run.plugin, mock: run.mock, threadsPerWorker: run.resources.threadsPerWorker };
}

/**
 * The run's probe: probe.json first (read when `readCache`; what this sweep probes is written
 * there either way), then its executor. Later stages read it back: the plan stage has stored
 * what this sweep probed, under --no-resume too.
 */
export function runProbe(run: SweepRun, readCache = true): Probe {
  return cachedProbe(new ProbeCache(run.runDir, run.plugin, readCache), executorProbe(run.executor, run.plugin));
}
