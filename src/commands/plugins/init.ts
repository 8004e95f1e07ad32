import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { Args, Flags } from "@oclif/core";
import { BaseCommand } from "../../cli/base-command.js";
import { UserError } from "../../errors/user-error.js";
import { inspectTarget, workerImportRoots } from "../../plugins/inspect-target.js";
import { parseMaxParams } from "../../plugins/max-params.js";
import { DEFAULT_LOSS_TARGET, defaultPluginName, manifestText, packageJsonText, PLACEHOLDER_DATA_TARGET, scaffoldWarnings, sweepConfigText, type ScaffoldInput } from "../../plugins/scaffold.js";

export default class PluginsInit extends BaseCommand {
  static override summary = "Scaffold a plugin (typed plugin.ts + example sweep.yaml) for an existing model class.";
  static override description =
    "Reads the signature of TARGET (a python \"module:Attr\") and writes DIR/plugin.ts, a manifest with one zod option " +
    "per constructor argument (optional where Python has a default, so the library's default applies), and DIR/sweep.yaml, " +
    "an example config holding only the options you must set. It builds the model as a sweep does (the data's hints " +
    "mapped to the model's own argument names) to find the sizes it accepts, and proposes only size values it has seen " +
    "take a training step on --data (every one of them), naming the constraint it found (head divisibility, even head dimension). Without --data the GPT plugin's byte corpus is a placeholder to replace.";
  static override examples = [
    "<%= config.bin %> plugins init mymodels.net:Net",
    "<%= config.bin %> plugins init mymodels.net:Net --name net --dir plugins/net --size-param width --force",
  ];
  static override args = {
    target: Args.string({ name: "TARGET", required: true, description: "python \"module:Attr\" of the model class or factory" }),
  };
  static override flags = {
    name: Flags.string({ description: "plugin name (default: the class name, lower-cased)" }),
    dir: Flags.string({ description: "folder to write to (default: ./plugins/<name>)" }),
    "size-param": Flags.string({ description: "constructor argument that sets the size (default: guessed)" }),
    path: Flags.string({ multiple: true, description: "folder to import modules from; repeatable (the current folder is always searched)" }),
    data: Flags.string({ description: `data target "module:Attr" whose batches the model trains on (default: the placeholder ${PLACEHOLDER_DATA_TARGET})` }),
    "max-params": Flags.string({ description: "never build a model with more parameters than this while finding sizes (default 2e8)" }),
    force: Flags.boolean({ description: "overwrite an existing plugin.ts / sweep.yaml", default: false }),
  };

  async run() {
    const { args, flags } = await this.parse(PluginsInit);
    const cwd = process.cwd();
    const name = flags.name ?? defaultPluginName(args.target);
    if (!/^[a-z][\w-]*$/i.test(name)) throw new UserError(`invalid plugin name "${name}": use letters, digits, - and _, starting with a letter`, "bad_name", { field: "name" });
    const dir = resolve(cwd, flags.dir ?? join("plugins", name));
    const files = { manifest: join(dir, "plugin.ts"), config: join(dir, "sweep.yaml") };
    const existing = Object.values(files).filter((file) => existsSync(file));
    if (existing.length > 0 && !flags.force) {
      throw new UserError(`${existing.map((f) => relative(cwd, f)).join(" and ")} already exist${existing.length === 1 ? "s" : ""}: pass --force to overwrite, or --dir to write elsewhere`, "exists", { file: existing[0] });
    }
    const dataTarget = flags.data ?? PLACEHOLDER_DATA_TARGET;
    const report = await inspectTarget({
      reference: args.target, cwd, paths: flags.path ?? [], sizeParam: flags["size-param"], count: false, maxParams: parseMaxParams(flags["max-params"]),
      propose: { data: { data: { target: dataTarget, options: {} }, loss: { target: DEFAULT_LOSS_TARGET } } },
    });
    if (report.size_param === null) {
      throw new UserError(`no size parameter found in ${report.text}: pass --size-param NAME (the argument that sets the model's size)`, "missing_size_param", { field: "size_param" });
    }
    const reachable = [dir, ...workerImportRoots()];
    const input: ScaffoldInput = {
      name, target: report.target, sizeParam: report.size_param, signature: report.signature,
      configPath: relative(cwd, files.config) || files.config,
      pythonPath: report.module_root && !reachable.includes(report.module_root) ? report.module_root : null,
      dataTarget, proposal: report.proposal,
    };
    mkdirSync(dir, { recursive: true });
    writeFileSync(files.manifest, manifestText(input));
    writeFileSync(files.config, sweepConfigText(input));
    const packageJson = join(dir, "package.json");
    const written = [files.manifest, files.config];
    if (!existsSync(packageJson)) {
      writeFileSync(packageJson, packageJsonText(name)); // plugin.ts must load as an ES module (see packageJsonText)
      written.push(packageJson);
    }
    const warnings = scaffoldWarnings(input);
    this.say(`${written.map((file) => `wrote ${relative(cwd, file)}`).join("\n")}\n  for ${report.text}, size parameter ${report.size_param}`);
    const p = report.proposal;
    if (p?.multiple_of !== undefined) {
      this.say(`  size_values: multiples of ${p.multiple_of}, ${p.min}..${p.max}; all ${p.tried ?? ""} proposed values ${p.checked === "step" ? `took a training step on ${dataTarget}` : "built"} (the model built with the data's hints, as a sweep builds it)`);
      if (p.constraint) this.say(`  constraint found by building: ${p.constraint}`);
    }
    for (const warning of warnings) this.note(`note: ${warning}`);
    this.say(`next: edit the data target in plugin.ts, then ${input.pythonPath ? `PYTHONPATH=${input.pythonPath} ` : ""}flops-fit plan ${input.configPath}`);
    return { name, target: report.target, size_param: report.size_param, dir, files: written, python_path: input.pythonPath, size_values: report.proposal, warnings };
  }
}
