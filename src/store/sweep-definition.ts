/**
 * A sweep definition: everything that decides whether two runs' results can be fitted
 * together. Taken from the resolved config: the plugin and its model, data and loss
 * (targets with their validated options), the training recipe, how compute is counted,
 * and the mock surface (null for real training). Budgets, sizes, seeds and scheduling are
 * not part of it: they add points to the same law, they do not change it.
 *
 * A run directory belongs to one definition; every record carries its fingerprint (a hash
 * of the definition, computed like experiment ids) so `sweep` can refuse a changed config
 * and `fit`/`report` can leave other definitions' runs out, saying so.
 */
import type { SweepConfig } from "../config/schema.js";
import type { DataSpec, LossSpec, MockSurface, ModelSpec } from "../protocol/messages.js";
import type { z } from "zod";
import { canonicalJson, experimentId } from "./experiment-id.js";
import type { SweepDefinitionSchema } from "./run-dir-entries.js";

/** The definition as definitions.json and config.json hold it (its schema: run-dir-entries.ts). */
export type SweepDefinition = z.infer<typeof SweepDefinitionSchema>;

/**
 * Training settings that change how fast a run goes, not its result (micro-batches and
 * compile only up to float rounding).
 */
export const TRAINING_SPEED_ONLY = ["threads", "checkpoint_interval_s", "micro_batch_size", "compile"] as const;

/**
 * `training` without TRAINING_SPEED_ONLY (also what experiment ids hash of the per-run
 * hyper-parameters). `mixed_precision: auto` is the device's default, the same as not naming
 * it, so it is dropped too: precision counts once set explicitly.
 */
export function withoutSpeedOnly<T extends object>(training: T): Omit<T, (typeof TRAINING_SPEED_ONLY)[number]> {
  const copy = { ...training } as Record<string, unknown>;
  for (const key of TRAINING_SPEED_ONLY) delete copy[key];
  if (copy.mixed_precision === "auto") delete copy.mixed_precision;
  return copy as Omit<T, (typeof TRAINING_SPEED_ONLY)[number]>;
}

/**
 * The schedule's settings count only under `wsd`: a cosine sweep's definition is the one it
 * had before schedules were configurable, so its run directories resume unchanged.
 */
function scheduleSettings<T extends { schedule?: string; cooldown_fraction?: number }>(training: T): Omit<T, "schedule" | "cooldown_fraction"> | T {
  if (training.schedule === "wsd") return training;
  const { schedule: _schedule, cooldown_fraction: _cooldown, ...rest } = training;
  return rest;
}

export interface DefinitionSource {
  config: Pick<SweepConfig, "training">;
  plugin: { name: string; model: ModelSpec; data: DataSpec; loss: LossSpec };
  mock: MockSurface | null;
  flops: "measured" | "6nd";
}

export function sweepDefinition(source: DefinitionSource): SweepDefinition {
  const { delay_s: _delay, ...surface } = source.mock ?? { delay_s: 0 };
  return {
    plugin: source.plugin.name,
    model: source.plugin.model,
    data: source.plugin.data,
    loss: source.plugin.loss,
    training: scheduleSettings(withoutSpeedOnly(source.config.training)),
    flops: source.flops,
    mock: source.mock ? surface : null,
  };
}

/** 12 hex digits identifying a definition (key order does not matter). */
export function definitionFingerprint(definition: SweepDefinition): string {
  return experimentId(definition);
}

function leaves(value: unknown, path: string, out: Map<string, string>): void {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) out.set(path, "{}");
    for (const [key, item] of entries) leaves(item, path ? `${path}.${key}` : key, out);
    return;
  }
  out.set(path, value === undefined ? "(unset)" : canonicalJson(value));
}

function shown(path: string, value: string | undefined): string {
  if (value === undefined) return "(unset)";
  if (path === "mock" && value === "null") return "none (real training)";
  return value;
}

/**
 * What differs between two definitions, one line per field: `training.lr_reference: 0.003
 * → 0.001`. The mock surface is compared as a whole when one side is real training.
 */
export function definitionDifferences(before: SweepDefinition, after: SweepDefinition): string[] {
  const lines: string[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    const a = (before as unknown as Record<string, unknown>)[key];
    const b = (after as unknown as Record<string, unknown>)[key];
    if (canonicalJson(a) === canonicalJson(b)) continue;
    const left = new Map<string, string>();
    const right = new Map<string, string>();
    const whole = a === null || b === null || typeof a !== "object" || typeof b !== "object";
    if (whole) {
      left.set(key, a === undefined ? "(unset)" : canonicalJson(a));
      right.set(key, b === undefined ? "(unset)" : canonicalJson(b));
    } else {
      leaves(a, key, left);
      leaves(b, key, right);
    }
    for (const path of new Set([...left.keys(), ...right.keys()])) {
      if (left.get(path) !== right.get(path)) lines.push(`${path}: ${shown(path, left.get(path))} → ${shown(path, right.get(path))}`);
    }
  }
  return lines;
}

/** The top-level parts that differ, for short notes: "mock, training". */
export function differingParts(before: SweepDefinition, after: SweepDefinition): string[] {
  return Object.keys({ ...before, ...after }).filter(
    (key) => canonicalJson((before as unknown as Record<string, unknown>)[key]) !== canonicalJson((after as unknown as Record<string, unknown>)[key]),
  );
}
