/**
 * The adaptive sweep's candidate runs as experiments (docs/adaptive.md): each candidate cell
 * of planning/adaptive-design.ts becomes the run the sweep would start — a new (budget, size)
 * cell, another seed of a cell already run, or, under `training.schedule: wsd`, a cooldown
 * branch off the trunk its size already has — named as every experiment is
 * (experiment-identity.ts), with the FLOPs it would spend.
 *
 * A WSD branch of an existing trunk shares the trunk's training settings and warmup (they are
 * in the trunk's id and its checkpoints' fingerprint) and costs its marginal FLOPs: its own
 * cooldown, plus the trunk steps from the trunk's last saved branch point before it (or from
 * the furthest step the trunk reaches, when it branches beyond). Rebuilding a recorded decision
 * goes through the same function, so a resumed sweep names its runs as the first one did.
 */
import { epochsOf } from "../fit/epochs.js";
import type { PlannedExperiment } from "../planning/iso-flop.js";
import { branchStep, stepsFor } from "../planning/wsd.js";
import { branchId, runId } from "./experiment-identity.js";
import { buildExperiments, identitySource, type Experiment, type ExperimentContext } from "./experiments.js";

export type CandidateKind = "cell" | "seed" | "branch";

/** A run the sweep could start, as the policy scores it and the executor would run it. */
export interface CandidateRun {
  /** Names the cell and seed (the policy breaks ties by it). */
  key: string;
  kind: CandidateKind;
  experiment: Experiment;
  /** The training FLOPs it would add. */
  cost_flops: number;
}

/** The runs so far (the seed design's and every decision's), and the trunk steps a WSD trunk has saved or will save. */
export interface SweepSoFar {
  experiments: readonly Experiment[];
  /** Steps at which trunk `trunkId` has (or, for runs still to come, will have) a checkpoint. */
  savedSteps: (trunkId: string) => readonly number[];
}

const cellKey = (e: Pick<PlannedExperiment, "budget_flops" | "size_value">) => `${e.budget_flops}:${e.size_value}`;

/** A cooldown branch off the trunk `sibling` belongs to (null when it would start before the trunk's warmup ends). */
function branchOff(sibling: Experiment, cell: PlannedExperiment, context: ExperimentContext): Experiment | null {
  const trunk = sibling.wsd!;
  const nTokens = Math.round(cell.n_tokens);
  const total = stepsFor(nTokens, trunk.tokens_per_step);
  const branch = branchStep(total, sibling.training.cooldown_fraction ?? context.config.training.cooldown_fraction);
  if (branch <= trunk.warmup_steps) return null;
  const point = runId(identitySource(context), { size_value: cell.size_value, budget_flops: cell.budget_flops, n_tokens: nTokens, training: sibling.training, seed: sibling.seed });
  return {
    ...cell, n_tokens: nTokens, experiment_id: branchId(point, trunk.trunk_id), training: sibling.training,
    epochs: epochsOf(nTokens, context.trainTokens ?? null), seed: sibling.seed,
    wsd: { trunk_id: trunk.trunk_id, branch_step: branch, total_steps: total, branch_tokens: branch * trunk.tokens_per_step, tokens_per_step: trunk.tokens_per_step, warmup_steps: trunk.warmup_steps },
  };
}

/** The FLOPs a branch adds: its cooldown and the trunk steps it needs beyond what is saved. */
function branchCost(experiment: Experiment, saved: readonly number[]): number {
  const wsd = experiment.wsd!;
  const from = Math.max(0, ...saved.filter((step) => step <= wsd.branch_step));
  const steps = wsd.branch_step - from + (wsd.total_steps - wsd.branch_step);
  return steps * wsd.tokens_per_step * experiment.flops_per_token;
}

/**
 * The run at `cell` with `seed`: under WSD a branch off the trunk of its size and seed when the
 * sweep has one, else a run of its own (under WSD: the first point of a new trunk).
 */
export function runAt(cell: PlannedExperiment, seed: number, so: SweepSoFar, context: ExperimentContext): { experiment: Experiment; branch: boolean } | null {
  if (context.config.training.schedule === "wsd") {
    const sibling = so.experiments.find((e) => e.wsd && e.size_value === cell.size_value && e.seed === seed);
    if (sibling) {
      const branch = branchOff(sibling, cell, context);
      return branch ? { experiment: branch, branch: true } : null;
    }
  }
  const [experiment] = buildExperiments({ budgets: [{ experiments: [cell] }] }, context, [seed]);
  return experiment ? { experiment, branch: false } : null;
}

/**
 * Every candidate run: each cell at the next seed it has not run (the config's seed for a new
 * cell), except cells in `excluded` (a run there failed) and runs already in the sweep.
 */
export function candidateRuns(cells: readonly PlannedExperiment[], so: SweepSoFar, context: ExperimentContext, excluded: ReadonlySet<string>): CandidateRun[] {
  const seedsAt = new Map<string, Set<number>>();
  for (const e of so.experiments) seedsAt.set(cellKey(e), (seedsAt.get(cellKey(e)) ?? new Set()).add(e.seed));
  const known = new Set(so.experiments.map((e) => e.experiment_id));
  const out: CandidateRun[] = [];
  for (const cell of cells) {
    const key = cellKey(cell);
    if (excluded.has(key)) continue;
    const used = seedsAt.get(key) ?? new Set<number>();
    let seed = context.config.seed;
    while (used.has(seed)) seed += 1;
    const built = runAt(cell, seed, so, context);
    if (!built || known.has(built.experiment.experiment_id)) continue;
    const { experiment } = built;
    // A new WSD trunk trains its point's whole steps; a cosine run its planned tokens.
    const cost = built.branch ? branchCost(experiment, so.savedSteps(experiment.wsd!.trunk_id))
      : experiment.wsd ? experiment.wsd.total_steps * experiment.wsd.tokens_per_step * experiment.flops_per_token : experiment.flops_per_token * experiment.n_tokens;
    out.push({ key: `${key}:${seed}`, kind: built.branch ? "branch" : used.size > 0 ? "seed" : "cell", experiment, cost_flops: cost });
  }
  return out;
}

export { cellKey };
