import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { Flags } from "@oclif/core";
import { BaseCommand } from "../../cli/base-command.js";
import { loadManifest } from "../../plugins/load-manifest.js";
import { BUILTIN_PLUGIN_DIR, builtinPluginNames } from "../../plugins/registry.js";
import { renderTable } from "../../util/table.js";

export interface PluginRow {
  name: string;
  description: string;
  size_param: string | null;
  model: string | null;
  data: string | null;
  loss: string | null;
  source: "builtin" | "path";
  dir: string;
  /** Why a user plugin's manifest did not load (the row is listed anyway). */
  error?: string;
}

/** Plugin folders (holding plugin.ts) named by --path: the folder itself, or its subfolders. */
function pluginDirs(path: string): string[] {
  if (existsSync(join(path, "plugin.ts"))) return [path];
  if (!existsSync(path) || !statSync(path).isDirectory()) return [];
  return readdirSync(path).sort().map((name) => join(path, name)).filter((dir) => existsSync(join(dir, "plugin.ts")));
}

async function describePlugin(dir: string, source: PluginRow["source"]): Promise<PluginRow> {
  try {
    const m = await loadManifest(join(dir, "plugin.ts"));
    return { name: m.name, description: m.description ?? "", size_param: m.model.sizeParam, model: m.model.target, data: m.data.target, loss: m.loss?.target ?? null, source, dir };
  } catch (error) {
    if (source === "builtin") throw error;
    return { name: dir, description: "", size_param: null, model: null, data: null, loss: null, source, dir, error: (error as Error).message };
  }
}

export default class PluginsList extends BaseCommand {
  static override summary = "List plugins: the built-ins, and user plugin folders found under --path.";
  static override description = "For each plugin: its name, description, size parameter and the python targets of its model, data and loss.";
  static override examples = ["<%= config.bin %> plugins list", "<%= config.bin %> plugins list --path ./plugins --json"];
  static override flags = {
    path: Flags.string({ multiple: true, description: "a plugin folder (with plugin.ts), or a folder of plugin folders; repeatable" }),
  };

  async run() {
    const { flags } = await this.parse(PluginsList);
    const plugins: PluginRow[] = [];
    for (const name of builtinPluginNames()) plugins.push(await describePlugin(join(BUILTIN_PLUGIN_DIR, name), "builtin"));
    for (const path of flags.path ?? []) {
      const dirs = pluginDirs(resolve(path));
      if (dirs.length === 0) this.note(`warning: no plugin.ts in ${path} or its subfolders`);
      for (const dir of dirs) plugins.push(await describePlugin(dir, "path"));
    }
    this.say(renderTable(
      ["name", "size param", "model", "data", "loss", "description"],
      plugins.map((p) => [p.name, p.size_param ?? "-", p.model ?? "-", p.data ?? "-", p.loss ?? "(model's .loss)", p.error ? `error: ${p.error}` : p.description]),
    ));
    return { plugins };
  }
}
