import { BaseCommand } from "../cli/base-command.js";
import { onInterrupt } from "../cli/interrupts.js";
import { configArg } from "../cli/shared-flags.js";
import { loadConfig } from "../config/load.js";
import { adaptivePlan, assertSeedWithinCap, formatAdaptivePlan } from "../sweep/adaptive-plan.js";
import { formatPlan } from "../sweep/format-plan.js";
import { formatCost, formatTrunks } from "../sweep/format-trunks.js";
import { plannedCost, trunkSummaries } from "../sweep/wsd-experiments.js";
import { calibrationPlanOf, sweepFlops } from "../sweep/calibration-stage.js";
import { formatCalibrationPlan } from "../sweep/format-calibration-plan.js";
import { mockSurface } from "../sweep/open-sweep.js";
import { executorProbe, planSweep } from "../sweep/plan-stage.js";
import { workerPool } from "../sweep/start-executor.js";
import { resolvePlugin } from "../plugins/registry.js";
import { prepareCompareTo } from "../compare/compare-to.js";
import { planResources } from "../scheduler/resources.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default class Plan extends BaseCommand {
  static override summary = "Plan an IsoFLOP sweep: budgets × model sizes, with measured parameter counts and FLOPs.";
  static override description =
    "Probes the model family at each candidate size (builds the real model, counts total, embedding and non-embedding " +
    "parameters, measures FLOPs per token), then picks for every budget the sizes within ×span of the predicted " +
    "compute-optimal N*(C) and the token budget D = C / (FLOPs per token). Nothing is trained.";
  static override examples = ["<%= config.bin %> plan", "<%= config.bin %> plan configs/vit-digits.yaml --json"];
  static override args = { config: configArg };

  async run() {
    const { args } = await this.parse(Plan);
    const loaded = loadConfig(args.config);
    // compare_to: the baseline's budgets when the config gives none (checked like sweep's).
    const compareTo = prepareCompareTo(loaded, false);
    if (compareTo?.note) this.note(compareTo.note);
    const plugin = await resolvePlugin(loaded, (text) => this.note(text));
    const resources = planResources(1, loaded.config.scheduler.device, 1);
    const logDir = mkdtempSync(join(tmpdir(), "flops-fit-plan-"));
    // A signal shuts the workers down (their socket folder goes with them); the probe then fails and plan exits 130.
    let stopped = false;
    let keepLogs = false;
    const starting = workerPool(loaded, resources, logDir);
    const removeHandlers = onInterrupt((text) => this.note(text), "stopping the workers", () => {
      stopped = true;
      void starting.then((pool) => pool.shutdown(), () => undefined);
    });
    try {
      const pool = await starting;
      const source = { config: loaded.config, plugin, mock: mockSurface(loaded, false), threadsPerWorker: resources.threadsPerWorker };
      const { plan, experiments, probe, planOptions } = await planSweep(source, executorProbe(pool, plugin));
      const calibration = loaded.config.training.lr === "calibrate" ? calibrationPlanOf(plan, probe, planOptions, loaded.config) : null;
      assertSeedWithinCap(loaded, experiments);
      const adaptive = adaptivePlan(loaded.config, experiments);
      this.say(formatPlan(loaded.config.name ?? "", plan, experiments));
      const cost = plannedCost(experiments);
      const trunks = formatTrunks(experiments);
      if (trunks) this.say(trunks);
      this.say(formatCost(cost, false));
      if (calibration) this.say(formatCalibrationPlan(calibration, sweepFlops(experiments)));
      if (adaptive) this.say(formatAdaptivePlan(adaptive, loaded.config));
      for (const warning of plan.warnings) this.note(`warning: ${warning}`);
      return {
        config: loaded.file, plugin: plugin.name, param_convention: loaded.config.param_convention, flops: loaded.config.flops, probe: probe.sizes, budgets: plan.budgets, experiments,
        ...(calibration ? { calibration: { ...calibration, sweep_flops: sweepFlops(experiments), lrs_provisional: true } } : {}),
        schedule: loaded.config.training.schedule, cost, ...(trunks ? { trunks: trunkSummaries(experiments) } : {}), ...(adaptive ? { adaptive } : {}),
        warnings: plan.warnings,
      };
    } catch (error) {
      if (!stopped) {
        // An error that points at a worker log keeps the logs it names.
        keepLogs = String((error as Error).message).includes(logDir);
        throw error;
      }
      process.exitCode = 130;
      return { interrupted: true };
    } finally {
      await starting.then((pool) => pool.shutdown(), () => undefined);
      if (!keepLogs) rmSync(logDir, { recursive: true, force: true });
      removeHandlers();
    }
  }
}
