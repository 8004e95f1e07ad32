import { Args, Flags } from "@oclif/core";
import { BaseCommand } from "../cli/base-command.js";
import { bootstrapFlag, parseBudgets, parseConfidence } from "../cli/fit-flags.js";
import { COMPARE_RESAMPLES, runComparison } from "../compare/run-compare.js";
import { fitProgress } from "../progress/fit-progress.js";

export default class Compare extends BaseCommand {
  static override summary = "Is the variant worth it? The effective-compute multiplier k(C) between two sweeps, with a bootstrap interval.";
  static override description = `k(C) = C_A/C: the baseline needs k·C to reach the loss the variant reaches at C ("the variant is worth 1.7× compute"). Both sweeps are fitted as \`fit\` fits them (each with its own verdict); k is read off approach 3's surfaces: a fit with shared E, alpha, beta and each sweep's own A, B (k then the same at every budget) beside each sweep's free fit (k depends on C). The shared fit answers unless the intervals of Δa, Δγ or ΔE exclude 0; approach 2's floor laws are a cross-check. Intervals resample each sweep's runs independently. A comparison is undetermined unless approach 3 is determined on both sweeps.

A and B may be run directories, results.jsonl files, CSVs, JSONL rows or W&B exports, in any mix; their budgets may differ (the laws are compared, not runs). Sweeps that count parameters or FLOPs differently are refused. See docs/compare.md.`;
  static override examples = [
    "<%= config.bin %> compare runs/baseline runs/variant",
    "<%= config.bin %> compare runs/baseline variant.csv --at 1e21,1e23 --confidence 0.9 --out runs/compare",
  ];
  static override args = {
    baseline: Args.string({ description: "the baseline sweep: run directory, results.jsonl, CSV, JSONL rows or W&B export", required: true }),
    variant: Args.string({ description: "the variant sweep, in any of the same forms", required: true }),
  };
  static override flags = {
    at: Flags.string({ description: "budgets C to compare at, comma-separated (default: the largest budget both sweeps reach, 10× and 100× it)" }),
    confidence: Flags.string({ description: "level of the multiplier's intervals, in (0, 1)", default: "0.95" }),
    bootstrap: bootstrapFlag(COMPARE_RESAMPLES, "resamples of each sweep's runs for the comparison's intervals (each sweep's own fit keeps fit's 100)"),
    seed: Flags.integer({ description: "bootstrap seed (the variant's resamples draw from seed + 1)", default: 0 }),
    out: Flags.string({ description: "write the comparison page (index.html, figures, compare.json) to this directory" }),
  };

  async run() {
    const { args, flags } = await this.parse(Compare);
    const request = { budgets: parseBudgets(flags.at, "--at"), confidence: parseConfidence(flags.confidence), resamples: flags.bootstrap ?? COMPARE_RESAMPLES, seed: flags.seed };
    const progress = fitProgress();
    const run = runComparison(args.baseline, args.variant, { ...request, ...(this.jsonEnabled() ? {} : { onProgress: progress.onProgress }) });
    progress.done();
    let report: { report_dir: string; files: string[] } | undefined;
    if (flags.out) {
      // Loaded only when drawing (jsdom and Plot take a while to load).
      const { writeCompareReport } = await import("../report/write-compare-report.js");
      report = writeCompareReport(flags.out, run);
    }
    this.say(`${run.text}${report ? `\n\nreport: ${report.files[0]}` : ""}`);
    // No answer at all (no law on a sweep) is a failed comparison: exit 1, as `fit` without a law.
    if (run.comparison.answer === null) {
      this.note(`flops-fit: no comparison: ${run.comparison.answer_reason}`);
      process.exitCode = 1;
    }
    return { ...run.json, ...(report ? { report } : {}) };
  }
}
