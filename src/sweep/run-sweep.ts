/**
 * `flops-fit sweep`, minus the rendering, as stages over one run value (sweep-run.ts):
 *
 *   open the run (open-sweep.ts: lock, definition check, config.json, the executor)
 *   → plan        probe (or read the probe cache) and plan          plan-stage.ts
 *   → calibrate   the learning rate (`training.lr: calibrate`)       calibration-stage.ts
 *   → execute     the pending runs on the executor                   execute-runs.ts
 *   → refine      grids whose minimum sits at an edge                refine-sweep.ts
 *   → adapt       an adaptive sweep's runs, one decision at a time   adaptive-stage.ts
 *   → the outcome, counted from the journals.
 *
 * Each stage takes the run and the state the one before left, and returns the state for the
 * next. Once the run's signal is raised no further stage starts. The fit and the report are separate steps the command runs
 * afterwards, from the run directory alone (finish.ts). Workers (local processes or SLURM
 * pilots) start only when a stage needs them, so a resumed sweep with nothing left starts none.
 */
import type { LoadedConfig } from "../config/load.js";
import type { Backend } from "../scheduler/executor.js";
import type { ResultRecord } from "../store/record.js";
import type { RunDir } from "../store/run-dir.js";
import { adapt } from "./adaptive-stage.js";
import { calibrate } from "./calibration-stage.js";
import { execute } from "./execute-runs.js";
import { withSweepRun, type SweepRequest } from "./open-sweep.js";
import { plan } from "./plan-stage.js";
import { refine } from "./refine-sweep.js";
import { recordRefusals, type Refusal } from "./refusals.js";
import { completedBefore, countsOf, type Stage, type SweepRun, type SweepState } from "./sweep-run.js";

/** The stages after the plan, in order. */
export const SWEEP_STAGES: readonly Stage[] = [calibrate, execute, refine, adapt];

export interface SweepOutcome {
  /** This invocation's runs by their final record, and every record it appended to results.jsonl. */
  completed: number;
  failed: number;
  cancelled: number;
  records: ResultRecord[];
  runDir: RunDir;
  /** The planned budgets, and every experiment this sweep owns (planned and refinements). */
  budgets: number[];
  experimentIds: string[];
  /** The sweep definition's fingerprint (store/sweep-definition.ts). */
  fingerprint: string;
  /** Experiments of the sweep that had completed before (not run again). */
  skipped: number;
  workers: number;
  backend: Backend;
  planWarnings: string[];
  interrupted: boolean;
  /** Connections the executor refused (wrong key, token or worker id): refusals.ts. */
  refusals: Refusal[];
}

export async function runSweep(loaded: LoadedConfig, request: SweepRequest): Promise<SweepOutcome> {
  return withSweepRun(loaded, request, async (run) => {
    const refusals = recordRefusals(run.events, run.runDir.logs);
    let state: SweepState;
    try {
      state = await plan(run);
    } catch (error) {
      // Stopped while probing: nothing ran, nothing to record.
      if (request.signal?.aborted) return stoppedBeforeRuns(run, refusals);
      throw error;
    }
    let executed = false;
    for (const stage of SWEEP_STAGES) {
      if (run.signal.aborted) break;
      executed ||= stage === execute;
      state = await stage(run, state);
    }
    // Stopped before the plan was settled (while calibrating): no run of the plan's started.
    if (!executed) return stoppedBeforeRuns(run, refusals);
    return outcome(run, state, refusals, request.signal?.aborted ?? false);
  });
}

/** What the stages did, from the journals: counts, skipped runs, the experiments the sweep owns. */
function outcome(run: SweepRun, state: SweepState, refusals: Refusal[], interrupted: boolean): SweepOutcome {
  const done = completedBefore(run);
  const ids = [...state.experiments, ...state.refinements.flatMap((r) => r.experiments), ...(state.adaptive ?? [])].map((e) => e.experiment_id);
  const appended = run.journals.results.appended;
  return {
    ...countsOf(appended), records: [...appended], runDir: run.runDir, fingerprint: run.fingerprint,
    skipped: ids.filter((id) => done.has(id)).length, workers: run.resources.workers, backend: run.executor.backend,
    budgets: state.plan.budgets.map((b) => b.budget_flops), experimentIds: ids,
    planWarnings: [...state.plan.warnings, ...state.refinements.map((r) => r.note)], interrupted, refusals,
  };
}

function stoppedBeforeRuns(run: SweepRun, refusals: Refusal[]): SweepOutcome {
  return {
    completed: 0, failed: 0, cancelled: 0, records: [], runDir: run.runDir, fingerprint: run.fingerprint, budgets: [], experimentIds: [],
    skipped: 0, workers: run.resources.workers, backend: run.executor.backend, planWarnings: [], interrupted: true, refusals,
  };
}
