import { Args, Flags } from "@oclif/core";
import { BaseCommand } from "../../cli/base-command.js";
import { formatTargetReport, inspectTarget, parseSizes, SIZE_PARAM_NAMES } from "../../plugins/inspect-target.js";

export default class PluginsInspect extends BaseCommand {
  static override summary = "Show a model factory's signature and its parameter counts at two sizes.";
  static override description =
    "TARGET is a python \"module:Attr\" (any callable that takes a size argument and returns a torch.nn.Module), " +
    "or a plugin (built-in name or folder), meaning its model. The signature is read from the live object; " +
    "parameters are counted as the workers count them: total, embedding, non-embedding. " +
    `The size parameter is --size-param, else the plugin's, else the first of ${SIZE_PARAM_NAMES.join(", ")}.`;
  static override examples = [
    "<%= config.bin %> plugins inspect gpt",
    "<%= config.bin %> plugins inspect mymodels.net:Net --path ./src --size-param width --sizes 32,64,128",
    "<%= config.bin %> plugins inspect mymodels.net:Net --json",
  ];
  static override args = {
    target: Args.string({ name: "TARGET", required: true, description: "python \"module:Attr\", or a plugin name or folder" }),
  };
  static override flags = {
    "size-param": Flags.string({ description: "constructor argument that sets the size (default: guessed)" }),
    sizes: Flags.string({ description: "sizes to count parameters at, comma-separated (default: the size argument's default and twice it, else 64,128)" }),
    path: Flags.string({ multiple: true, description: "folder to import modules from; repeatable (the current folder is always searched)" }),
  };

  async run() {
    const { args, flags } = await this.parse(PluginsInspect);
    const report = await inspectTarget({
      reference: args.target,
      cwd: process.cwd(),
      paths: flags.path ?? [],
      sizeParam: flags["size-param"],
      sizes: flags.sizes === undefined ? undefined : parseSizes(flags.sizes),
      count: true,
    });
    this.say(formatTargetReport(report));
    return report;
  }
}
