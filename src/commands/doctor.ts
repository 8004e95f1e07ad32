import { BaseCommand } from "../cli/base-command.js";
import { diagnose, formatDiagnosis } from "../doctor/diagnose.js";

export default class Doctor extends BaseCommand {
  static override summary = "Check the installation: Node, the worker's Python, torch, accelerate, pyzmq, devices, SLURM (sbatch/squeue).";
  static override description = "For anything missing, prints the command that fixes it. Exits 1 when the worker environment is unusable.";
  static override examples = ["<%= config.bin %> doctor", "<%= config.bin %> doctor --json"];

  async run() {
    await this.parse(Doctor);
    const report = await diagnose();
    this.say(formatDiagnosis(report));
    if (!report.ok) process.exitCode = 1;
    return report;
  }
}
