/**
 * The learning-rate calibration stage of `training.lr: calibrate`, run by `sweep` after the
 * plan and before any sweep run: a few learning rates × a few sizes at the smallest budget
 * (planning/lr-calibration.ts), a size's grid grown by one learning rate past an end whose
 * loss is lowest, then η*(N) = c·N^−k. Its runs go to calibration.jsonl (so a stage cut
 * short resumes where it stopped), its result to calibration.json, which every later sweep
 * of the same definition reuses: the sweep's learning rates, and so its experiment ids,
 * never change under resume.
 */
import { renameSync } from "node:fs";
import { join } from "node:path";
import type { SweepConfig } from "../config/schema.js";
import { RuntimeFailure, UserError } from "../errors/user-error.js";
import { resolveHyper } from "../planning/hyper.js";
import { plannedExperiment, priorOptimalParams, type PlanOptions, type PlannedExperiment, type SweepPlan } from "../planning/iso-flop.js";
import {
  builtInRule, calibrationSettings, fitLrRule, nextLearningRate, planCalibration,
  type CalibrationPlan, type CalibrationPoint, type LrRule,
} from "../planning/lr-calibration.js";
import type { CalibrationRecord } from "../store/calibration-record.js";
import type { ResultRecord } from "../store/record.js";
import { fingerprintOf } from "../store/run-definitions.js";
import { runId } from "./experiment-identity.js";
import { buildExperiments, identitySource, type Experiment, type ExperimentContext } from "./experiments.js";
import { experimentContext, planSource } from "./plan-stage.js";
import type { ProbeOutcome } from "./probe.js";
import { runExperiments } from "./run-experiments.js";
import type { Stage, SweepRun, SweepState } from "./sweep-run.js";

/** The calibration runs for a plan (shared by `plan` and `sweep`). */
export function calibrationPlanOf(plan: SweepPlan, probe: ProbeOutcome, planOptions: PlanOptions, config: SweepConfig): CalibrationPlan | null {
  const replan = (planned: PlannedExperiment, budget: number) => {
    const size = probe.sizes.find((s) => s.size_value === planned.size_value)!;
    return plannedExperiment(budget, size, planOptions, priorOptimalParams(budget, planOptions.tokensPerParam));
  };
  return planCalibration(plan, config.training, replan);
}

/** The planned compute of the sweep's runs (every seed), for the calibration's share of it. */
export function sweepFlops(experiments: Array<{ flops_per_token: number; n_tokens: number }>): number {
  return experiments.reduce((sum, e) => sum + e.flops_per_token * e.n_tokens, 0);
}

/** One calibration run: the planned size at the calibration budget with a fixed learning rate. */
export function calibrationExperiment(planned: PlannedExperiment, lr: number, context: ExperimentContext): Experiment {
  const { config } = context;
  const nTokens = Math.round(planned.n_tokens);
  const training = resolveHyper({ ...config.training, lr }, { nParams: planned.n_params_total, nTokens, tokensPerSample: context.tokensPerSample, threads: context.threadsPerWorker });
  const id = runId(identitySource(context), { stage: "lr_calibration", size_value: planned.size_value, budget_flops: planned.budget_flops, n_tokens: nTokens, training, seed: config.seed });
  return { ...planned, n_tokens: nTokens, experiment_id: id, training, epochs: null, seed: config.seed };
}

/** The stage (`training.lr: calibrate`): the calibrated rule, and the experiments at its learning rates. */
export const calibrate: Stage = async (run, state) => {
  if (run.config.training.lr !== "calibrate" || run.signal.aborted) return state;
  const rule = await calibrateLearningRate(run, state);
  if (!rule) return state; // stopped meanwhile
  return { ...state, lrRule: rule, experiments: buildExperiments(state.plan, experimentContext(planSource(run), state.probe, rule)) };
};

export const formatRule = (rule: LrRule) => `η*(N) = ${rule.c.toPrecision(4)}·N^-${rule.k.toFixed(3)}`;

/**
 * The calibrated rule for this sweep: calibration.json when it belongs to this definition,
 * else a fresh calibration (recorded there). Null when the sweep was stopped meanwhile.
 */
export async function calibrateLearningRate(run: SweepRun, state: SweepState): Promise<LrRule | null> {
  const { runDir, fingerprint, config } = run;
  const note = (text: string) => run.events.note(text);
  const file = runDir.file("calibration");
  const stored = runDir.read("calibration");
  if (stored && stored.fingerprint === fingerprint) {
    note(`learning rates: the calibrated rule ${formatRule(stored.rule)} from ${file} (${stored.calibrated_at})`);
    return stored.rule;
  }
  const definition = fingerprintOf(run.definitions);
  const ofThis = run.journals.results.existing.filter((r) => r.status === "completed" && definition(r) === fingerprint);
  if (ofThis.length > 0) {
    throw new UserError(
      `${runDir.root} holds ${ofThis.length} completed run${ofThis.length === 1 ? "" : "s"} of this sweep trained with a calibrated learning-rate rule, ` +
        `but ${file} ${stored ? "belongs to another sweep definition" : "is missing"}: a new calibration could change every learning rate. ` +
        `Restore calibration.json, or sweep into a new --out directory.`,
      "calibration_missing",
      { file },
    );
  }
  if (stored) renameSync(file, join(runDir.root, `calibration-${stored.fingerprint}.json`));
  const calibration = calibrationPlanOf(state.plan, state.probe, state.planOptions, config);
  if (!calibration) throw new RuntimeFailure("learning-rate calibration: the plan has no experiments to calibrate on", "calibration_failed");
  const settings = calibrationSettings(config.training);
  const started = Date.now();
  note(
    `calibrating learning rates: ${calibration.sizes.length} sizes × ${settings.lrs} learning rates at C=${calibration.budget_flops.toExponential(2)} ` +
      `(${calibration.runs} runs, ${calibration.flops.toExponential(2)} FLOPs, ${(100 * calibration.flops / Math.max(1, sweepFlops(state.experiments))).toFixed(1)}% of the sweep's compute)`,
  );
  if (run.mock && !run.mock.lr_optimum) {
    note("calibration warning: under --mock without mock.lr_optimum the learning rate does not change the loss, so this calibration fits noise (set mock.lr_optimum: { c, k })");
  }
  const journal = run.journals.get("calibration_runs");
  const done = new Map<string, ResultRecord>();
  if (run.resume) for (const r of journal.existing) if (r.status === "completed" && r.fingerprint === fingerprint) done.set(r.experiment_id, r);
  /** A calibration run's final record: this stage's latest attempt, else one an interrupted earlier stage completed. */
  const outcome = (id: string) => journal.appended.findLast((r) => r.experiment_id === id) ?? done.get(id);
  const context = experimentContext(planSource(run), state.probe, null);
  const sizes = calibration.sizes.map((s) => ({ planned: s.planned, runs: s.lrs.map((lr) => calibrationExperiment(s.planned, lr, context)) }));
  let finished = done.size;
  const stopNotes = run.events.on((event) => {
    if (event.type !== "recorded" || event.stage !== "lr_calibration") return;
    finished += 1;
    const { experiment, record } = event;
    const result = record.status === "completed" && record.loss !== null ? `loss ${record.loss.toFixed(4)}` : record.status;
    note(`calibration run ${finished}: size ${experiment.size_value}, lr ${experiment.training.lr.toExponential(2)}: ${result}`);
  });
  try {
    const runMissing = (list: Experiment[]) => runExperiments(run, list.filter((e) => !outcome(e.experiment_id)), "lr_calibration");
    const points = (runs: Experiment[]): CalibrationPoint[] =>
      runs.flatMap((e) => {
        const record = outcome(e.experiment_id);
        return record ? [{ lr: e.training.lr, loss: record.status === "completed" ? record.loss : null }] : [];
      });
    await runMissing(sizes.flatMap((s) => s.runs));
    for (let round = 0; round < settings.extend_rounds && !run.signal.aborted; round++) {
      const extra = sizes.flatMap((s) => {
        const lr = nextLearningRate(points(s.runs), settings.lr_step);
        if (lr === null) return [];
        const experiment = calibrationExperiment(s.planned, lr, context);
        s.runs.push(experiment);
        return [experiment];
      });
      if (extra.length === 0) break;
      note(`calibrating learning rates: ${extra.length} size${extra.length === 1 ? "" : "s"} best at an end of its grid; trying one more learning rate past it`);
      await runMissing(extra);
    }
    if (run.signal.aborted) return null;
    const fit = fitLrRule(sizes.map((s) => ({ size_value: s.planned.size_value, n_params: s.planned.n_params_total, points: points(s.runs) })));
    if (!fit) {
      throw new RuntimeFailure(
        `learning-rate calibration failed: fewer than two sizes finished a calibration run with a loss (see ${runDir.journalFile("calibration_runs")} and ${runDir.logs})`,
        "calibration_failed",
      );
    }
    const calibrated = fit.optima.map((o) => o.n_params);
    const swept = state.experiments.map((e) => e.n_params_total);
    const reach = [Math.min(...swept) / Math.min(...calibrated), Math.max(...swept) / Math.max(...calibrated)];
    if (reach[0]! < 0.5 || reach[1]! > 2) {
      fit.warnings.push(
        `the sweep's sizes (N ${Math.min(...swept).toExponential(2)}–${Math.max(...swept).toExponential(2)}) reach past the calibrated ones ` +
          `(${Math.min(...calibrated).toExponential(2)}–${Math.max(...calibrated).toExponential(2)}): their learning rates are extrapolated from the rule ` +
          `(a larger training.lr_calibration.budget calibrates larger sizes)`,
      );
    }
    const runs = sizes.flatMap((s) => s.runs.filter((e) => outcome(e.experiment_id)).map((e) => {
      const record = outcome(e.experiment_id)!;
      return { experiment_id: e.experiment_id, size_value: e.size_value, n_params: e.n_params_total, lr: e.training.lr, loss: record.loss, status: record.status, wall_s: record.wall_s ?? 0 };
    }));
    const reusedRuns = runs.filter((r) => done.has(r.experiment_id)).length;
    const runsWallS = runs.reduce((sum, r) => sum + r.wall_s, 0);
    const record: CalibrationRecord = {
      fingerprint,
      c: fit.rule.c,
      k: fit.rule.k,
      rule: fit.rule,
      built_in_rule: builtInRule(config.training),
      true_rule: run.mock?.lr_optimum ? { c: run.mock.lr_optimum.c, k: run.mock.lr_optimum.k } : null,
      budget_flops: calibration.budget_flops,
      settings,
      optima: fit.optima,
      rms_log_residual: fit.rms_log_residual,
      warnings: fit.warnings,
      runs: runs.map(({ wall_s: _wall, ...entry }) => entry),
      flops: runs.length * calibration.budget_flops,
      sweep_flops: sweepFlops(state.experiments),
      wall_s: (Date.now() - started) / 1000,
      runs_wall_s: runsWallS,
      reused_runs: reusedRuns,
      calibrated_at: new Date().toISOString(),
    };
    runDir.write("calibration", record);
    for (const warning of fit.warnings) note(`calibration warning: ${warning}`);
    const reused = reusedRuns > 0 ? `, ${reusedRuns} of them completed by an earlier, interrupted stage` : "";
    note(`learning rates calibrated in ${record.wall_s.toFixed(1)} s (${runs.length} runs${reused}; the runs' own time ${runsWallS.toFixed(0)} s): ${formatRule(fit.rule)} (built-in: ${formatRule(record.built_in_rule)}); recorded in ${file}`);
    return fit.rule;
  } finally {
    stopNotes();
  }
}
