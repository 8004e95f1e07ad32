/**
 * The two sweeps `flops-fit compare` reads, in any form `fit` reads (fit/fit-input.ts: a run
 * directory, a results.jsonl, a CSV, minimal JSONL rows, a W&B export; the two may differ),
 * and the check that they count N and C the same way: a multiplier between sweeps whose
 * parameters or FLOPs are counted differently would measure the accounting, not the change.
 * Either difference is refused (exit 2) naming both sides.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UserError } from "../errors/user-error.js";
import { readFitInput, type FitInput } from "../fit/fit-input.js";
import type { ParamConvention } from "../fitting/index.js";

export type Role = "baseline" | "variant";

export interface CompareInputSide {
  role: Role;
  input: FitInput;
  /** Which parameter count N is: a run directory's config says; a file's N is as given (known: false). */
  convention: { value: ParamConvention; known: boolean; why: string };
  /** What C counts: every fitted run's measured FLOPs, or 6·N·D. */
  accounting: { value: "measured" | "6ND"; why: string };
}

/** The run directory's config.json (a run directory, or a results.jsonl inside one); null for files. */
function runConfig(input: FitInput): { param_convention?: unknown; flops?: unknown; mock_enabled?: unknown } | null {
  const dir = input.runDir ?? (input.kind === "jsonl" && basename(input.source) === "results.jsonl" ? dirname(input.source) : null);
  const file = dir ? join(dir, "config.json") : null;
  if (!file || !existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    throw new UserError(`${file}: not valid JSON: the run directory's config cannot say how it counts N and C`, "bad_run_config", { file });
  }
}

export function readCompareSide(path: string, role: Role): CompareInputSide {
  const input = readFitInput(path);
  const config = runConfig(input);
  const configured = config?.param_convention === "non_embedding" ? "non_embedding" : config?.param_convention === "total" ? "total" : null;
  const convention = configured
    ? { value: configured as ParamConvention, known: true, why: `config param_convention: ${configured}` }
    : { value: "total" as const, known: false, why: `${input.kind === "run_dir" ? "no param_convention in config.json" : "a file's n_params"}, taken as given` };
  const fitted = input.rows.filter((r) => !r.left_out && r.status === "completed");
  const measured = fitted.length > 0 && fitted.every((r) => r.flops !== null && r.flops !== undefined);
  const why = config
    ? config.mock_enabled === true ? "--mock counts 6·N·D" : config.flops === "6nd" ? "config flops: 6nd" : measured ? "config flops: measured" : "some runs lack measured FLOPs: 6·N·D"
    : measured ? "a flops value on every run" : fitted.some((r) => r.flops !== null && r.flops !== undefined) ? "flops on only some runs: 6·N·D" : "no flops column: 6·N·D";
  return { role, input, convention, accounting: { value: measured ? "measured" : "6ND", why } };
}

const describeAccounting = (s: CompareInputSide) => `${s.accounting.value === "measured" ? "the measured FLOPs" : "6·N·D"} (${s.input.source}: ${s.accounting.why})`;
const describeConvention = (s: CompareInputSide) => `${s.convention.value === "total" ? "total" : "non-embedding"} parameters (${s.input.source}: ${s.convention.why})`;

/**
 * Refuses (exit 2) two sweeps that count C or N differently, naming the difference; returns
 * notes for what it could not check (a file's parameter convention is not recorded).
 */
export function assertComparable(baseline: CompareInputSide, variant: CompareInputSide): string[] {
  if (baseline.accounting.value !== variant.accounting.value) {
    throw new UserError(
      `cannot compare: the baseline counts compute as ${describeAccounting(baseline)}, the variant as ${describeAccounting(variant)}; a multiplier between them would measure the accounting, not the change. Count both the same way (both run with flops: measured, or both as 6·N·D, e.g. CSVs without a flops column)`,
      "incomparable_compute", { file: variant.input.source, field: "flops" });
  }
  if (baseline.convention.known && variant.convention.known && baseline.convention.value !== variant.convention.value) {
    throw new UserError(
      `cannot compare: the baseline's N counts ${describeConvention(baseline)}, the variant's ${describeConvention(variant)}; run both with the same param_convention`,
      "incomparable_parameters", { file: variant.input.source, field: "param_convention" });
  }
  const notes: string[] = [];
  for (const [side, other] of [[baseline, variant], [variant, baseline]] as const) {
    if (!side.convention.known && other.convention.known) notes.push(`the ${side.role}'s parameter convention is not recorded (${side.input.source}): its n_params are taken to count ${other.convention.value === "total" ? "total" : "non-embedding"} parameters, as the ${other.role}'s do`);
  }
  return notes;
}
