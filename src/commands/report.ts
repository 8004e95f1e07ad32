import { Args, Flags } from "@oclif/core";
import { BaseCommand } from "../cli/base-command.js";
import { bootstrapFlag, parseBudgets } from "../cli/fit-flags.js";
import { writeReport } from "../report/write-report.js";

export default class Report extends BaseCommand {
  static override summary = "Write RUN_DIR/report/: a self-contained index.html with the fit, the figures and every run, and each figure as SVG and PNG.";
  static override description = `Works at any time, also while a sweep is running: the fit is fit.json when it is newer than results.jsonl, else a fresh fit of the runs recorded so far (same approaches and predicted budgets as fit.json, no bootstrap unless --bootstrap). When the fit fails the report still shows the runs and says why. The page loads nothing from the network: open it from disk.`;
  static override examples = [
    "<%= config.bin %> report runs/quickstart",
    "<%= config.bin %> report runs/demo --refit --bootstrap 200 --predict 1e21,1e23",
    "<%= config.bin %> report runs/demo --json",
  ];
  static override args = { runDir: Args.string({ name: "RUN_DIR", description: "run directory (default: runs/quickstart)", required: false, default: "runs/quickstart" }) };
  static override flags = {
    refit: Flags.boolean({ description: "fit again even when fit.json is current (fit.json is not overwritten)", default: false }),
    bootstrap: bootstrapFlag(undefined, "bootstrap resamples when fitting here (default 0)"),
    predict: Flags.string({ description: "budgets C to predict when fitting here, comma-separated (default: fit.json's)" }),
  };

  async run() {
    const { args, flags } = await this.parse(Report);
    const predict = flags.predict === undefined ? undefined : parseBudgets(flags.predict);
    const request = { ...(flags.bootstrap === undefined ? {} : { bootstrap: flags.bootstrap }), ...(predict ? { predict } : {}) };
    const refit = flags.refit || Object.keys(request).length > 0;
    const result = writeReport(args.runDir!, { refit, request });
    if (result.fit_error) this.note(`no fit: ${result.fit_error}`);
    this.say(`report: ${result.files[0]} (${(result.files.length - 1) / 2} figures as SVG and PNG in ${result.report_dir})`);
    return { report_dir: result.report_dir, files: result.files };
  }
}
