import { Flags } from "@oclif/core";
import { BaseCommand } from "../cli/base-command.js";
import { bootstrapFlag, fitFlags, parseApproaches, parseBudgets, parseConfidence } from "../cli/fit-flags.js";
import { onInterrupt } from "../cli/interrupts.js";
import { configArg } from "../cli/shared-flags.js";
import { loadConfig } from "../config/load.js";
import { compareAfterSweep, prepareCompareTo } from "../compare/compare-to.js";
import { finishSweep } from "../sweep/finish.js";
import { runSweep } from "../sweep/run-sweep.js";
import { chooseRunDir } from "../store/run-dir.js";
import { createProgress } from "../progress/create.js";
import { fitProgress } from "../progress/fit-progress.js";
import { choosePython } from "../scheduler/python.js";
import { sweepName } from "../tracking/task-tracking.js";
import { noteTrackingWarnings } from "../tracking/tracking-warnings.js";
import { SweepEvents } from "../sweep/sweep-events.js";

export default class Sweep extends BaseCommand {
  static override summary = "Run an IsoFLOP sweep end to end: plan, train every run on persistent workers, fit, report.";
  static override description = `Plans budgets × model sizes from measured parameter counts and FLOPs, trains each experiment for exactly its token budget on persistent PyTorch workers (one per device), records every finished attempt in RUN_DIR/results.jsonl, fits the scaling laws and writes fit.json and report/.

Running it again on the same config re-runs nothing that completed (experiments are named by a hash of everything that determines them); a changed budget or grid runs what it adds. A run directory holds one sweep definition (plugin, model, data, loss and their options, training recipe, FLOP accounting, mock surface or real training): a config that changes it is refused there with what differs (use another --out, or --extend), and --mock and real runs default to different directories (runs/<name>-mock, runs/<name>). One sweep at a time per directory (RUN_DIR/sweep.lock).

--mock replaces only the training step: the loss comes from the Chinchilla-form surface L(N, D) = E + A/N^alpha + B/D^beta (config "mock:", default E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28, with seeded 0.1% log-normal noise; the quickstart sets A=193.7 to put the optimum near its plan's 60 tokens per parameter), whose true compute-optimal exponent is a = beta/(alpha+beta) = 0.4516. Models are still built and counted for real; compute is counted as 6·N·D, the accounting the surface's closed form assumes.

A config naming compare_to: BASELINE (a run directory or results file) is checked against it before anything runs, plans on its budgets when planning.budgets is left out, and ends with \`flops-fit compare BASELINE RUN_DIR\` (docs/compare.md).`;
  static override examples = [
    "<%= config.bin %> sweep                      # the built-in quickstart (GPT on Python's own sources)",
    "<%= config.bin %> sweep --mock --out runs/demo",
    "<%= config.bin %> sweep configs/vit-digits.yaml --workers 2 --json",
  ];
  static override args = { config: configArg };
  static override flags = {
    out: Flags.string({ description: "run directory (default: runs/<config name>, runs/<config name>-mock under --mock)" }),
    workers: Flags.integer({ description: "worker processes (default: one per GPU, else one per CPU core, up to 8)", min: 1 }),
    mock: Flags.boolean({ description: "loss from a known Chinchilla surface instead of training (see description)", default: false }),
    resume: Flags.boolean({ description: "skip experiments already completed in the run directory (--no-resume re-runs them; the fit then uses the new results)", default: true, allowNo: true }),
    backend: Flags.string({ description: "where runs execute: local worker processes, or slurm pilot jobs (default: config scheduler.backend; docs/slurm.md)", options: ["local", "slurm"] }),
    extend: Flags.boolean({ description: "add this config's sweep definition to a run directory that holds another (refused without it); fit and report then use this one and list the earlier runs as left out", default: false }),
    ...fitFlags,
    bootstrap: bootstrapFlag(100, "bootstrap resamples for the fit's intervals"),
  };

  async run() {
    const { args, flags } = await this.parse(Sweep);
    const loaded = loadConfig(args.config);
    // compare_to: the baseline is read and checked before anything runs (exit 2 naming a difference).
    const compareTo = prepareCompareTo(loaded, flags.mock);
    if (compareTo?.note) this.note(compareTo.note);
    // An adaptive sweep's fit is read at its target budget (where its determination test looks, too).
    const target = loaded.config.planning.strategy === "adaptive" ? loaded.config.planning.target_budget : undefined;
    const asked = parseBudgets(flags.predict);
    const predict = target !== undefined && !asked.includes(target) ? [...asked, target] : asked;
    const confidence = parseConfidence(flags.confidence);
    const outDir = chooseRunDir(flags.out, loaded.config.name ?? "sweep", flags.mock);
    const progress = createProgress({ json: this.jsonEnabled() });
    const events = new SweepEvents();
    events.on((event) => progress.handle?.(event));
    noteTrackingWarnings(events);
    const controller = new AbortController();
    const removeHandlers = onInterrupt((text) => this.note(text), "cancelling running experiments", () => controller.abort());
    try {
      const outcome = await runSweep(loaded, { outDir, workers: flags.workers, mock: flags.mock, resume: flags.resume, extend: flags.extend, backend: flags.backend as "local" | "slurm" | undefined, events, signal: controller.signal });
      progress.close?.();
      const fitting = fitProgress();
      const result = await finishSweep(outcome, {
        approaches: parseApproaches(flags.approach), bootstrap: flags.bootstrap, seed: flags.seed, confidence, predict, paramConvention: loaded.config.param_convention,
        // The fit backtests its largest budget whenever it has one to spare (≥ 4 budgets).
        holdout: "auto",
        ...(this.jsonEnabled() ? {} : { onProgress: fitting.onProgress }),
      }, {
        tracking: loaded.config.tracking, python: choosePython(loaded.config.python).executable,
        runDir: outcome.runDir.root, sweep: sweepName(loaded.config.name, outcome.runDir.root), fingerprint: outcome.fingerprint,
      });
      fitting.done();
      this.say(result.text);
      const comparison = compareTo && !outcome.interrupted ? await compareAfterSweep(compareTo, outcome.runDir.root, { confidence, seed: flags.seed }) : null;
      if (comparison) this.say(`\n${comparison.text}`);
      if (outcome.interrupted) process.exitCode = 130;
      else if (result.failed) process.exitCode = 1; // the reasons are in the text and in --json "problems"
      return comparison ? { ...result.json, compare: comparison.json } : result.json;
    } finally {
      progress.close?.();
      removeHandlers();
    }
  }
}
