/**
 * The adaptive sweep's stage (src/sweep/adaptive-stage.ts) through the whole pipeline on the
 * scripted executor (--mock surface, no Python): the seed design, decisions recorded with their
 * reasons and told as events, the stop at the target width or before the FLOPs cap (with what
 * it would run next), a resume after a stop mid-sweep that replays the decisions and decides on
 * exactly as the uninterrupted sweep, WSD branches at their marginal cost, and the cap the seed
 * design alone would pass refused. The built CLI with a real kill: test/integration/adaptive-cli.test.ts.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/load.js";
import type { AdaptiveFile } from "../../src/store/adaptive-record.js";
import { readJournal } from "../../src/store/journal.js";
import { RunDir } from "../../src/store/run-dir.js";
import { scriptedSweepDir, sweepScripted } from "./scripted-sweep.js";

/**
 * The --mock quickstart as an adaptive sweep for N*(5e12). Each decision refits approach 3 with
 * 100 resamples (a stop with 1000), so the settings keep every sweep to a few decisions.
 */
const adaptive = (noise: number, ...lines: string[]) => [
  "name: adaptive", "plugin: gpt", "planning:", "  budgets: [3e10, 6e10, 1.2e11, 2.5e11, 5e11]", "  tokens_per_param: 60", "  span: 4",
  "  size_values: { min: 4, max: 256, count: 48, multiple_of: 4 }", "  strategy: adaptive", "  target_budget: 5e12", ...lines, "mock:", "  A: 193.7", `  noise: ${noise}`,
];
/** Stops at ±0.1 after 3 decisions (the seed design's 3 budgets leave approach 3 undetermined: it needs 4). */
const TO_WIDTH = adaptive(0.001, "  target_width: 0.1", "  max_flops: 4.8e12");
const recordOf = (out: string) => new RunDir(out).read("adaptive") as AdaptiveFile;
const completedIds = (out: string) => readJournal(join(out, "results.jsonl")).records.filter((r) => r.status === "completed").map((r) => r.experiment_id);
/** The sweep to the target width, uninterrupted: run once, read by the first test and the resume test. */
let whole: Promise<{ sweep: ReturnType<typeof scriptedSweepDir>; run: Awaited<ReturnType<typeof sweepScripted>> }> | null = null;
const wholeSweep = () => (whole ??= (async () => {
  const sweep = scriptedSweepDir("adaptive", TO_WIDTH);
  return { sweep, run: await sweepScripted(sweep, { workers: 1, noFinish: true }) };
})());

describe("the adaptive sweep on a scripted executor", () => {
  it("runs its seed design, then one recorded decision at a time, and stops once N*(target) is within the target width, approach 3 determined", async () => {
    const { sweep, run } = await wholeSweep();
    const record = recordOf(sweep.out);
    expect(record.seed_experiment_ids).toHaveLength(9);
    expect(record.decisions.length).toBeGreaterThan(0);
    expect(record.stop).toMatchObject({ reason: "target_width", determined: true, next: null });
    const last = record.fits.at(-1)!;
    expect(last.determined).toBe(true);
    expect(last.n_opt!.half_width).toBeLessThanOrEqual(0.1);
    // The stop rests on 1000 resamples; every fit before it was short of the target, so each decision had a reason to be made.
    expect(last.resamples).toBe(1000);
    for (const fit of record.fits.slice(0, -1)) expect(fit.determined && fit.n_opt!.half_width <= 0.1).toBe(false);
    // Each decision: its reason (expected reductions, cost) and the fit it was made from; the runs it named completed.
    const ids = completedIds(sweep.out);
    for (const decision of record.decisions) {
      expect(decision.expected.n_opt_reduction).toBeGreaterThan(0);
      expect(decision.expected.cost_flops).toBeCloseTo(decision.budget_flops, -8);
      expect(record.fits[decision.fit]).toBeDefined();
      expect(ids).toContain(decision.experiment_id);
    }
    // Told as events, in order, the stop last; plan.json lists the seed design and the decided runs.
    const decided = run.events.filter((e) => e.type === "decided");
    expect(decided.map((e) => e.type === "decided" && e.decision.experiment_id)).toEqual(record.decisions.map((d) => d.experiment_id));
    expect(run.events.at(-1)).toMatchObject({ type: "adaptive_stopped", stop: { reason: "target_width" } });
    const plan = new RunDir(sweep.out).read("plan")!;
    expect(plan.experiments.map((e) => e.experiment_id)).toEqual([...record.seed_experiment_ids, ...record.decisions.map((d) => d.experiment_id)]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(run.outcome.completed).toBe(9 + record.decisions.length);
    expect(run.outcome.experimentIds).toHaveLength(9 + record.decisions.length);

    // Again, nothing left: no executor starts, no run, no new decision.
    const again = await sweepScripted(sweep, { workers: 1, noFinish: true });
    expect(again.started).toBe(false);
    expect(again.outcome.completed).toBe(0);
    expect(recordOf(sweep.out).decisions).toEqual(record.decisions);
  });

  it("stops before max_flops would be passed and, undetermined, says what it would run next", async () => {
    const sweep = scriptedSweepDir("adaptive-cap", adaptive(0.01, "  max_flops: 6.8e11"));
    const run = await sweepScripted(sweep, { workers: 2 });
    const record = recordOf(sweep.out);
    expect(record.stop).toMatchObject({ reason: "max_flops", determined: false });
    expect(record.stop!.next).toMatchObject({ budget_flops: expect.any(Number), expected: { cost_flops: expect.any(Number) } });
    expect(record.stop!.text).toMatch(/FLOPs cap: the next run would pass max_flops 6\.80e\+11 .*undetermined; next it would run C=/);
    expect(record.fits.at(-1)!.flops_spent).toBeLessThanOrEqual(6.8e11);
    expect(record.fits.at(-1)!.flops_spent + record.stop!.next!.expected.cost_flops).toBeGreaterThan(6.8e11);
    // The sweep's summary says it too.
    expect(run.json.adaptive).toMatchObject({ max_flops: 6.8e11, stop: { reason: "max_flops" } });
    expect(run.text).toMatch(/adaptive: \d+ runs? decided after the seed design; stopped: FLOPs cap/);
  });

  it("stopped mid-sweep and resumed, replays its decisions, re-runs nothing that completed, and decides on exactly as the sweep that was not stopped", async () => {
    const expected = recordOf((await wholeSweep()).sweep.out).decisions.map((d) => d.experiment_id);
    expect(expected.length).toBeGreaterThanOrEqual(3);

    // Stopped (as by Ctrl-C) as its second decision is made: that run never starts.
    const stopped = scriptedSweepDir("adaptive-stopped", TO_WIDTH);
    const controller = new AbortController();
    let decisions = 0;
    const first = await sweepScripted(stopped, {
      workers: 1, noFinish: true, signal: controller.signal,
      onEvent: (event) => {
        if (event.type === "decided" && ++decisions === 2) controller.abort();
      },
    });
    expect(first.outcome.interrupted).toBe(true);
    const cut = recordOf(stopped.out);
    expect(cut.decisions).toHaveLength(2);
    expect(cut.stop).toBeNull();
    expect(completedIds(stopped.out)).not.toContain(cut.decisions[1]!.experiment_id);

    const resumed = await sweepScripted(stopped, { workers: 1, noFinish: true });
    expect(recordOf(stopped.out).decisions.map((d) => d.experiment_id)).toEqual(expected);
    const ids = completedIds(stopped.out);
    expect(new Set(ids).size).toBe(ids.length);
    expect(resumed.outcome.skipped).toBe(9 + 1);
    // The replayed decision runs first, before any new one is made.
    const started = resumed.events.filter((e) => e.type === "started").map((e) => e.type === "started" && e.experiment.experiment_id);
    expect(started[0]).toBe(cut.decisions[1]!.experiment_id);
    expect(resumed.events.filter((e) => e.type === "decided")).toHaveLength(expected.length - 2);
  });

  it("under WSD, a size's next point branches off its trunk, priced at the FLOPs it then trains (the trunk from its last saved step, the cooldown), and the checkpoints go once it stops", async () => {
    // Sizes of the seed design's shared ladder only, so that every new point of seed 0 has a trunk to branch off.
    const lines = [...adaptive(0.01, "  max_flops: 4.6e11"), "training:", "  schedule: wsd"].map((line) => (line.includes("size_values") ? "  size_values: [8, 16, 40]" : line));
    const sweep = scriptedSweepDir("adaptive-wsd", lines);
    await sweepScripted(sweep, { workers: 1, noFinish: true });
    const record = recordOf(sweep.out);
    const branches = record.decisions.filter((d) => d.kind === "branch");
    expect(branches.length).toBeGreaterThan(0);
    const results = readJournal(join(sweep.out, "results.jsonl")).records.filter((r) => r.status === "completed");
    const trunks = readJournal(join(sweep.out, "trunks.jsonl")).records.filter((r) => r.status === "completed");
    const trained = new Set(results.filter((r) => record.seed_experiment_ids.includes(r.experiment_id)).map((r) => r.trunk_id));
    for (const decision of record.decisions) {
      const result = results.find((r) => r.experiment_id === decision.experiment_id)!;
      if (decision.kind === "branch") {
        // Its trunk trained before it (the seed design's, or an earlier decision's); it resumed at its branch step.
        expect(trained.has(decision.trunk_id)).toBe(true);
        expect(result).toMatchObject({ trunk_id: decision.trunk_id, schedule: "wsd", resumed_from_step: result.branch_step });
      }
      trained.add(result.trunk_id);
      // What it trained: the trunk attempts that saved its branch point (from their last saved step), and its cooldown.
      const trunkFlops = trunks.filter((t) => t.experiment_id === result.trunk_id && t.branch_steps?.includes(result.branch_step!)).reduce((sum, t) => sum + (t.train_flops ?? 0), 0);
      expect((trunkFlops + result.train_flops!) / decision.expected.cost_flops).toBeCloseTo(1, 6);
    }
    expect(existsSync(join(sweep.out, "checkpoints")) ? readdirSync(join(sweep.out, "checkpoints")).filter((d) => d.startsWith("trunk-")) : []).toEqual([]);
  });

  it("when no fit can aim it (approach 3 implausible on every resample), spends as the grid would: new cells of the configured budgets, cheapest first, scored at the prior", async () => {
    // A surface outside approach 3's checks (α = 4 > 2; its N term vanishes within a decade of sizes), as tiny real models gave.
    const lines = adaptive(0.01, "  max_flops: 8.5e11").map((line) => (line === "  A: 193.7" ? "  A: 5e16\n  alpha: 4" : line));
    const sweep = scriptedSweepDir("adaptive-unaimed", lines);
    await sweepScripted(sweep, { workers: 1, noFinish: true });
    const record = recordOf(sweep.out);
    expect(record.decisions.length).toBeGreaterThan(2);
    expect(record.decisions.every((d) => d.scored_at === "prior")).toBe(true);
    // Never the rung below the configured budgets or a repeat of a cell: those are where a degenerate law stays degenerate.
    for (const d of record.decisions) {
      expect(d.kind).toBe("cell");
      expect(d.budget_flops).toBeGreaterThanOrEqual(3e10);
      expect(d.budget_flops).toBeLessThanOrEqual(5e11);
    }
    expect(record.decisions[0]!.budget_flops).toBe(3e10);
    expect(record.stop).toMatchObject({ determined: false });
  });

  it("refuses a max_flops below what the seed design alone trains, at its config line, before any run", async () => {
    const sweep = scriptedSweepDir("adaptive-small-cap", adaptive(0.01, "  max_flops: 1e11"));
    const error = await sweepScripted(sweep, { noFinish: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as ConfigError).message).toMatch(/sweep\.yaml:10:3 +planning\.max_flops: max_flops 1\.00e\+11 is below what the seed design alone trains \(6\.30e\+11 FLOPs: 9 runs\)/);
    expect(readJournal(join(sweep.out, "results.jsonl")).records).toEqual([]);
  });

  it("a grid sweep (the default strategy) writes no adaptive.json", async () => {
    const sweep = scriptedSweepDir("grid", ["plugin: gpt", "planning:", "  budgets: [1e11, 1e12, 1e13]", "  sizes_per_budget: 3", "  refine_rounds: 0", "flops: 6nd"]);
    await sweepScripted(sweep, { noFinish: true });
    expect(existsSync(join(sweep.out, "adaptive.json"))).toBe(false);
  });
});
