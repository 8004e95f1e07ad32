import { Args } from "@oclif/core";
import { BaseCommand } from "../cli/base-command.js";
import { diagnose, formatDiagnosis } from "../doctor/diagnose.js";

export default class Doctor extends BaseCommand {
  static override summary = "Check the installation (Node, the worker's Python, torch, accelerate, pyzmq, the optional model extras, devices, SLURM) and, given a config, everything it needs.";
  static override description = "For anything missing, prints the command that fixes it. With CONFIG it also checks that the config is valid, that its model, data and loss targets import with the worker's Python, and that its data loads (a missing folder, a package, a tokenizer). Exits 1 when the worker environment is unusable or the config cannot run; an optional extra that is absent (transformers, timm) is reported, not a failure.";
  static override examples = ["<%= config.bin %> doctor", "<%= config.bin %> doctor my-sweep.yaml", "<%= config.bin %> doctor --json"];
  static override args = { config: Args.string({ name: "CONFIG", description: "a sweep config whose plugin, targets and data to check", required: false }) };

  async run() {
    const { args } = await this.parse(Doctor);
    const report = await diagnose(args.config);
    this.say(formatDiagnosis(report));
    if (!report.ok) process.exitCode = 1;
    return report;
  }
}
