/**
 * The adaptive sweep's stage (`planning.strategy: adaptive`, docs/adaptive.md), after the seed
 * design has run (the execute stage): fit approach 3 at the target budget after every run,
 * hand each free worker the candidate the policy expects to shrink N*(target)'s interval the
 * most per FLOP (planning/adaptive-policy.ts), and stop once that interval is within
 * `target_width` and approach 3 is determined, or before `max_flops` would be passed.
 *
 * adaptive.json (store/adaptive-record.ts) holds every fit, every decision with its reason and
 * the stop, written before a decided run starts. A resumed sweep reads the decisions back,
 * rebuilds their experiments (adaptive-candidates.ts: the same ids), runs those without a
 * completed record, then decides on from the records: the policy is a function of the runs
 * alone, so with one worker a killed sweep decides on exactly as the uninterrupted one would.
 */
import { readdirSync, rmSync } from "node:fs";
import { candidateBudgets, candidateCells, priorSurface, unaimedCandidate } from "../planning/adaptive-design.js";
import { plannedExperiment, priorOptimalParams } from "../planning/iso-flop.js";
import { policySurfaces, scoreCandidates, type Scored } from "../planning/adaptive-policy.js";
import { CONFIRM_RESAMPLES } from "../fitting/target-fit.js";
import { MAX_PLANNED_RUNS } from "../config/schema.js";
import type { AdaptiveDecision, AdaptiveFile, AdaptiveStop } from "../store/adaptive-record.js";
import { candidateRuns, runAt, cellKey, type CandidateRun, type SweepSoFar } from "./adaptive-candidates.js";
import { viewRunDir, completedKey, type AdaptiveView } from "./adaptive-fit.js";
import { halfWidth, policyText, reasonText } from "./adaptive-text.js";
import { executeRuns, recordPlan } from "./execute-runs.js";
import type { Experiment } from "./experiments.js";
import { experimentContext, planSource, runProbe } from "./plan-stage.js";
import type { ProbeOutcome } from "./probe.js";
import { completedBefore, type Stage, type SweepRun, type SweepState } from "./sweep-run.js";
import { trunkDir } from "./train-tasks.js";
import { sci } from "../util/table.js";

/** Bootstrap refits (besides the fit) whose surfaces the policy averages its shares over. */
export const POLICY_SURFACES = 24;

/** The record as the sweep left it, or a new one; decisions of an earlier target still name runs of the law. */
function openRecord(run: SweepRun, state: SweepState): AdaptiveFile {
  const p = run.config.planning;
  const earlier = run.resume ? run.runDir.read("adaptive") : null;
  return {
    target_budget: p.target_budget!, target_width: p.target_width ?? null, max_flops: p.max_flops ?? null, policy: policyText(run.config),
    seed_experiment_ids: state.experiments.map((e) => e.experiment_id), fits: earlier?.fits ?? [], decisions: earlier?.decisions ?? [], stop: null,
  };
}

/** Under flops: measured, every probed size's FLOPs per token (a candidate's D depends on it); else the probe as planned. */
async function candidateProbe(run: SweepRun, state: SweepState): Promise<ProbeOutcome> {
  if (state.planOptions.flops !== "measured") return state.probe;
  const missing = state.probe.sizes.filter((s) => s.flops_per_token === null && !s.flops_error).map((s) => s.size_value);
  if (missing.length === 0) return state.probe;
  const measured = new Map((await runProbe(run)(missing, true)).sizes.map((s) => [s.size_value, s]));
  return { ...state.probe, sizes: state.probe.sizes.map((s) => measured.get(s.size_value) ?? s) };
}

/** Branch steps a trunk has saved on disk. */
function savedSteps(run: SweepRun, trunkId: string): number[] {
  try {
    return readdirSync(trunkDir(run.runDir, trunkId)).flatMap((name) => /^branch-(\d+)$/.exec(name)?.[1] ?? []).map(Number);
  } catch {
    return [];
  }
}

export const adapt: Stage = async (run, state) => {
  const p = run.config.planning;
  if (p.strategy !== "adaptive" || run.signal.aborted) return state;
  const target = p.target_budget!;
  const record = openRecord(run, state);
  const save = () => run.runDir.write("adaptive", record);
  const probe = await candidateProbe(run, state);
  const context = experimentContext(planSource(run), probe, state.lrRule);
  const configured = p.budgets.length > 0 ? p.budgets : state.planOptions.budgets;
  const options = { ...state.planOptions, budgets: candidateBudgets(configured, target) };
  const usable = probe.sizes.filter((s) => options.flops !== "measured" || s.flops_per_token !== null);
  const prior = priorSurface(options.tokensPerParam, Math.max(...configured));
  const done = completedBefore(run);
  const decided: Experiment[] = [];
  const all: Experiment[] = [...state.experiments];
  const so: SweepSoFar = { experiments: all, savedSteps: (id) => savedSteps(run, id) };
  const finalRecord = (id: string) => run.journals.results.all.findLast((r) => r.experiment_id === id && r.fingerprint === run.fingerprint);
  const completed = (id: string) => done.has(id) || run.journals.results.appended.some((r) => r.experiment_id === id && r.status === "completed");
  // Decisions recorded by an earlier invocation, rebuilt in order (a branch needs its trunk's earlier points).
  const replay: Array<{ experiment: Experiment; cost: number }> = [];
  for (const decision of record.decisions) {
    const size = usable.find((s) => s.size_value === decision.size_value);
    const cell = size ? plannedExperiment(decision.budget_flops, size, options, priorOptimalParams(decision.budget_flops, options.tokensPerParam)) : null;
    const built = cell ? runAt(cell, decision.seed, so, context) : null;
    if (!built) continue;
    if (built.experiment.experiment_id !== decision.experiment_id) run.events.note(`adaptive: decision ${decision.experiment_id} now names ${built.experiment.experiment_id} (a setting that names runs changed)`);
    decided.push(built.experiment);
    all.push(built.experiment);
    if (!completed(built.experiment.experiment_id)) replay.push({ experiment: built.experiment, cost: decision.expected.cost_flops });
  }
  const inflight = new Map<string, { promise: Promise<void>; cost: number; trunk: string | null }>();
  const start = (experiment: Experiment, cost: number) => {
    const promise = executeRuns(run, [experiment], { keepCheckpoints: true }).then(() => void inflight.delete(experiment.experiment_id));
    inflight.set(experiment.experiment_id, { promise, cost, trunk: experiment.wsd?.trunk_id ?? null });
  };
  const reached = (v: AdaptiveView) => p.target_width !== undefined && v.fit.determined && v.fit.n_opt !== null && v.fit.n_opt.half_width <= p.target_width;
  let view: AdaptiveView | null = null;
  const refit = (): AdaptiveView => {
    if (view && view.key === completedKey(run)) return view;
    view = viewRunDir(run, target);
    // A stop rests on the confirmed interval (fitting/target-fit.ts CONFIRM_RESAMPLES), not on the 100-resample one.
    if (reached(view)) view = viewRunDir(run, target, CONFIRM_RESAMPLES);
    const last = record.fits.at(-1);
    if (!last || last.runs !== view.record.runs || last.flops_spent !== view.record.flops_spent || last.resamples !== view.record.resamples) record.fits.push(view.record);
    save();
    return view;
  };
  const choose = (v: AdaptiveView): { best: Scored | null; next: Scored | null; runs: Map<string, CandidateRun>; at: "fit" | "prior" } => {
    const excluded = new Set(decided.filter((e) => !inflight.has(e.experiment_id) && ["failed", "diverged", "oom"].includes(finalRecord(e.experiment_id)?.status ?? "")).map(cellKey));
    const busy = new Set([...inflight.values()].flatMap((f) => (f.trunk ? [f.trunk] : [])));
    // With no interval yet (approach 3 gave no law), the runs are scored at the prior, and the expected reductions are shares of a half-width of 1.
    const voting = policySurfaces(v.fit.n_opt === null ? [] : v.fit.surfaces, prior, 1 + POLICY_SURFACES);
    const aimed = voting.at === "fit";
    // Unaimed, a degenerate fit's N*(C) is no place to look: the cells are centred on the prior alone, at the configured budgets.
    const cells = candidateCells(usable, options, options.budgets, aimed ? v.fit.fittedOptimum : () => null);
    const runs = candidateRuns(cells, so, context, excluded)
      .filter((c) => !(c.kind === "branch" && busy.has(c.experiment.wsd!.trunk_id)))
      .filter((c) => aimed || unaimedCandidate(c.kind, c.experiment.budget_flops, configured));
    const byKey = new Map(runs.map((c) => [c.key, c]));
    const pending = all.filter((e) => inflight.has(e.experiment_id)).map((e) => ({ n_params: e.n_params, n_tokens: e.n_tokens }));
    const scored = scoreCandidates({
      surfaces: voting.surfaces, optimum: v.fit.optimum, target_budget: target, design: [...v.design, ...pending],
      candidates: runs.map((c) => ({ key: c.key, n_params: c.experiment.n_params, n_tokens: c.experiment.n_tokens, cost_flops: c.cost_flops })),
      half_width: v.fit.n_opt === null ? { n_opt: 1, loss_opt: null } : { n_opt: v.fit.n_opt.half_width, loss_opt: v.fit.loss_opt?.half_width ?? null },
    });
    const committed = v.record.flops_spent + [...inflight.values()].reduce((sum, f) => sum + f.cost, 0);
    const affordable = scored.find((s) => p.max_flops === undefined || committed + s.candidate.cost_flops <= p.max_flops) ?? null;
    return { best: affordable, next: scored[0] ?? null, runs: byKey, at: voting.at };
  };
  let stopped: AdaptiveStop["reason"] | null = null;
  let next: Scored | null = null;
  let nextRun: CandidateRun | null = null;
  for (;;) {
    if (run.signal.aborted) break;
    const v = refit();
    while (inflight.size < run.resources.workers && replay.length > 0) {
      const { experiment, cost } = replay.shift()!;
      start(experiment, cost);
    }
    while (!reached(v) && stopped === null && inflight.size < run.resources.workers && replay.length === 0) {
      if (so.experiments.length >= MAX_PLANNED_RUNS) {
        stopped = "run_limit";
        break;
      }
      const choice = choose(v);
      if (!choice.best) {
        stopped = choice.next ? "max_flops" : "no_candidate";
        next = choice.next;
        nextRun = choice.next ? choice.runs.get(choice.next.candidate.key) ?? null : null;
        break;
      }
      const chosen = choice.runs.get(choice.best.candidate.key)!;
      const decision = decisionOf(chosen, choice.best, record.fits.length - 1, choice.at);
      record.decisions.push(decision);
      save();
      decided.push(chosen.experiment);
      all.push(chosen.experiment);
      recordPlan(run, { ...state, adaptive: decided });
      run.events.emit({ type: "decided", decision, experiment: chosen.experiment, fit: v.record });
      start(chosen.experiment, chosen.cost_flops);
    }
    if (inflight.size === 0) break;
    await Promise.race([...inflight.values()].map((f) => f.promise));
  }
  await Promise.all([...inflight.values()].map((f) => f.promise));
  if (!run.signal.aborted) {
    const last = refit();
    record.stop = stopOf(reached(last) ? "target_width" : stopped ?? "no_candidate", last, record, nextRun && next ? { run: nextRun, scored: next } : null);
    save();
    run.events.emit({ type: "adaptive_stopped", stop: record.stop, fit: last.record });
    // A trunk's checkpoints served later branches; once the sweep has stopped they are dead weight.
    for (const id of new Set([...state.experiments, ...decided].flatMap((e) => (e.wsd ? [e.wsd.trunk_id] : [])))) rmSync(trunkDir(run.runDir, id), { recursive: true, force: true });
  }
  const out = { ...state, adaptive: decided };
  recordPlan(run, out);
  return out;
};

function decisionOf(chosen: CandidateRun, scored: Scored, fit: number, at: "fit" | "prior"): AdaptiveDecision {
  const e = chosen.experiment;
  return {
    experiment_id: e.experiment_id, budget_flops: e.budget_flops, size_value: e.size_value, n_params: e.n_params, n_tokens: e.n_tokens, seed: e.seed, kind: chosen.kind,
    ...(e.wsd ? { trunk_id: e.wsd.trunk_id } : {}), expected: expectedOf(scored), scored_at: at, fit, decided_at: new Date().toISOString(),
  };
}

const expectedOf = (s: Scored) => ({ n_opt_reduction: s.n_opt_reduction, loss_opt_reduction: s.loss_opt_reduction, cost_flops: s.candidate.cost_flops, value_per_flop: s.value_per_flop });

/** Why the sweep stopped, in words, with what it would run next when the answer is still open. */
function stopOf(reason: AdaptiveStop["reason"], view: AdaptiveView, record: AdaptiveFile, next: { run: CandidateRun; scored: Scored } | null): AdaptiveStop {
  const fit = view.record;
  const width = fit.n_opt ? `N*(${sci(record.target_budget)}) ${halfWidth(fit.n_opt.half_width)}` : `no interval of N*(${sci(record.target_budget)})`;
  const state = fit.determined ? "determined" : "undetermined";
  const why = {
    target_width: `target width reached: ${width} within ±${record.target_width?.toFixed(3)}, approach 3 determined`,
    max_flops: `FLOPs cap: the next run would pass max_flops ${sci(record.max_flops)} (${sci(fit.flops_spent)} spent); ${width}, ${state}`,
    no_candidate: `no candidate run left to add; ${width}, ${state}`,
    run_limit: `${MAX_PLANNED_RUNS} runs, the most a sweep plans; ${width}, ${state}`,
  }[reason];
  const open = reason !== "target_width" && next;
  const nextText = open ? `; next it would run C=${sci(next.run.experiment.budget_flops)} N=${sci(next.run.experiment.n_params)} (${next.run.kind}): ${reasonText(expectedOf(next.scored))}` : "";
  return {
    reason, text: `${why}${nextText}`, determined: fit.determined,
    next: open ? { budget_flops: next.run.experiment.budget_flops, size_value: next.run.experiment.size_value, n_params: next.run.experiment.n_params, kind: next.run.kind, expected: expectedOf(next.scored) } : null,
  };
}
