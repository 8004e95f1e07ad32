import { Args, Flags } from "@oclif/core";
import { BaseCommand } from "../../cli/base-command.js";
import { parseMaxParams } from "../../plugins/max-params.js";
import { formatTargetReport } from "../../plugins/format-target-report.js";
import { DEFAULT_MAX_PARAMS, inspectTarget, parseOptions, parseSizes, SIZE_PARAM_NAMES } from "../../plugins/inspect-target.js";

export default class PluginsInspect extends BaseCommand {
  static override summary = "Show a model factory's signature and its parameter counts at two sizes.";
  static override description =
    "TARGET is a python \"module:Attr\" (any callable that takes a size argument and returns a torch.nn.Module), " +
    "a plugin (built-in name or folder), or a sweep config (.yaml), meaning its model. The signature is read from the live object; " +
    "parameters are counted as the workers count them (total, embedding, non-embedding), on torch's meta device: " +
    "no memory, and no model over --max-params is built. A plugin's or config's model is built exactly as a sweep builds it: " +
    "its data's hints (vocabulary, classes, channels, image size) reach the model's arguments and the options apply on top, " +
    "so the counts are the ones the sweep records; the output says what it was built with. A bare python target is built at its own defaults. " +
    "Without --sizes it finds the size step the model accepts (by building it) and counts at the multiples of that step nearest 64 and 128. " +
    `The size parameter is --size-param, else the plugin's, else the first of ${SIZE_PARAM_NAMES.join(", ")}.`;
  static override examples = [
    "<%= config.bin %> plugins inspect gpt",
    "<%= config.bin %> plugins inspect ./plugins/mlp --sizes 4,8     # a plugin folder: counted with its data's hints",
    "<%= config.bin %> plugins inspect my-sweep.yaml --json           # the model that sweep trains",
    "<%= config.bin %> plugins inspect mymodels.net:Net --path ./src --size-param width --sizes 32,64,128",
    "<%= config.bin %> plugins inspect mymodels.net:Net --json",
    "<%= config.bin %> plugins inspect timm.models.vision_transformer:VisionTransformer --option depth=2 --option num_heads=4",
  ];
  static override args = {
    target: Args.string({ name: "TARGET", required: true, description: "python \"module:Attr\", a plugin name or folder, or a sweep config (.yaml)" }),
  };
  static override flags = {
    "size-param": Flags.string({ description: "constructor argument that sets the size (default: guessed)" }),
    sizes: Flags.string({ description: "sizes to count parameters at, comma-separated (default: the multiples of the model's size step nearest 64 and 128)" }),
    option: Flags.string({ multiple: true, description: "a constructor option NAME=VALUE (VALUE as JSON, else a string); repeatable" }),
    "max-params": Flags.string({ description: `never build a model with more parameters than this (default ${DEFAULT_MAX_PARAMS.toExponential(0)})` }),
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
      options: parseOptions(flags.option ?? []),
      maxParams: parseMaxParams(flags["max-params"]),
      count: true,
    });
    this.say(formatTargetReport(report));
    return report;
  }
}
