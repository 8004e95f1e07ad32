import { Args, Flags } from "@oclif/core";
import { BaseCommand } from "../cli/base-command.js";
import { bootstrapFlag, fitFlags, parseApproaches, parseBudgets, parseConfidence } from "../cli/fit-flags.js";
import { UserError } from "../errors/user-error.js";
import { FitInputError } from "../fitting/index.js";
import { fitRows, type FitOutput } from "../fit/fit-rows.js";
import { fitRunDir, saveFit, type RunDirFit } from "../fit/fit-run-dir.js";
import { formatChinchillaTable, formatFitSummary, type ParamConvention } from "../fitting/index.js";
import { fitProgress } from "../progress/fit-progress.js";
import { readFitInput } from "../fit/fit-input.js";
import { RunDir } from "../store/run-dir.js";
import { WriteFailure } from "../store/write-failure.js";
import { noLawReason } from "../fit/no-law.js";
import { formatBacktest } from "../fitting/format-backtest.js";

export default class Fit extends BaseCommand {
  static override summary = "Fit scaling laws (Chinchilla approaches 1-3) to a run directory, a results.jsonl or a CSV.";
  static override description = `Approach 1 takes the lowest loss per budget; approach 2 fits a parabola of loss in log N per budget (refusing budgets without an interior minimum, and saying why) and power laws N*(C), D*(C), L*(C) in log-log space; approach 3 fits L(N, D) = E + A/N^alpha + B/D^beta by a Huber loss on log L from a grid of starts. Every approach takes one determination test on its bootstrap; when none passes the fit says UNDETERMINED (determined: false in --json) and which runs would determine it. With 4 budgets or more the largest is held out, and the determined approach that predicted it best answers.

A CSV needs the columns n_params,n_tokens,loss and may have budget_flops (the IsoFLOP budget a run belongs to; without it, 6·N·D grouped within 20%) and flops (its measured training FLOPs; without it compute is exactly 6·N·D). A .jsonl of the same fields, one object per line, reads like the CSV. A W&B runs-table export of a sweep (CSV or JSON with the config and summary its runs logged; docs/tracking.md) is recognised by its experiment_id and stage columns. Results of a run directory are written to its fit.json.`;
  static override examples = [
    "<%= config.bin %> fit runs/quickstart",
    "<%= config.bin %> fit runs/quickstart --approach all --bootstrap 1000 --predict 1e21,1e23",
    "<%= config.bin %> fit my-runs.csv --approach 3 --json",
    "<%= config.bin %> fit runs/quickstart --holdout 1 --confidence 0.9",
  ];
  static override args = { input: Args.string({ description: "run directory, results.jsonl, CSV or JSONL rows (n_params,n_tokens,loss[,budget_flops][,flops]), or a W&B runs export (.csv/.json)", required: false, default: "runs/quickstart" }) };
  static override flags = {
    ...fitFlags,
    bootstrap: bootstrapFlag(100, "bootstrap resamples for the intervals and the determination test (0 = none: the law is then not tested, so undetermined)"),
    convention: Flags.string({ description: "which parameter count is N (total or non-embedding; docs/methods.md §5.5)", options: ["total", "non_embedding"], default: "total" }),
    "exclude-worst": Flags.integer({ description: "drop the k highest-loss runs (reported as exclusions)", default: 0, min: 0 }),
    format: Flags.string({ description: "Chinchilla table format", options: ["markdown", "csv"], default: "markdown" }),
    holdout: Flags.integer({ description: "backtest: hold out the K largest budgets, fit the rest and predict them; its errors choose the answering approach (default: 1 with at least 4 budgets; 0 = none)", min: 0 }),
  };

  async run() {
    const { args, flags } = await this.parse(Fit);
    const input = readFitInput(args.input!);
    const progress = fitProgress();
    const request = {
      approaches: parseApproaches(flags.approach),
      bootstrap: flags.bootstrap,
      seed: flags.seed,
      confidence: parseConfidence(flags.confidence),
      predict: parseBudgets(flags.predict),
      holdout: flags.holdout ?? ("auto" as const),
      excludeWorst: flags["exclude-worst"],
      paramConvention: flags.convention as ParamConvention,
    };
    const runDir = input.runDir ? new RunDir(input.runDir) : null;
    const withProgress = { ...request, ...(this.jsonEnabled() ? {} : { onProgress: progress.onProgress }) };
    let made: RunDirFit | null;
    let result: FitOutput;
    try {
      // A run directory is fitted as the sweep and the report fit it (with its measured cost); any other input as rows.
      made = runDir ? fitRunDir(runDir, withProgress, { input }) : null;
      result = made?.fit ?? fitRows(input.rows, withProgress, input.notes);
    } catch (error) {
      // An option the data cannot support (e.g. --holdout beyond the budgets) is bad input, named by its flag.
      if (error instanceof FitInputError) throw new UserError(`--${error.field}: ${error.message.replace(/^invalid [^:]*: /, "")}`, "bad_flag", { field: `--${error.field}` });
      throw error;
    }
    progress.done();
    const backtest = result.backtest ? `\n\n${formatBacktest(result.backtest)}` : "";
    // The fit is shown before fit.json is written: a run directory that cannot be written (read-only, full) loses nothing shown.
    this.say(`${formatFitSummary(result)}\n\n${formatChinchillaTable(result, flags.format as "markdown" | "csv")}${backtest}`);
    let writeError: string | undefined;
    try {
      if (runDir && made) saveFit(runDir, made);
    } catch (error) {
      if (!(error instanceof WriteFailure)) throw error;
      writeError = `${error.message}; the fit above was not saved (fit and report read the runs again when they can write)`;
      this.note(`flops-fit: ${writeError}`);
      process.exitCode = 1;
    }
    // No law is a failed fit, not a quiet success: exit 1 with the reason (the summary above says more).
    const problem = noLawReason(input.rows, result);
    if (problem) {
      this.note(`flops-fit: ${problem}`);
      process.exitCode = 1;
    }
    return { input: input.source, ...result, ...(problem ? { problem } : {}), ...(writeError ? { write_error: writeError } : {}) };
  }
}
