/**
 * Finds plugins (built-ins in plugins/, user plugins by path) and resolves a config into
 * the exact Python targets and validated options a worker receives. Options are checked
 * against the manifest's zod schemas here, before any Python runs.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { z } from "zod";
import { ConfigError, PROJECT_ROOT, type LoadedConfig } from "../config/load.js";
import { locateIssues, type PathSegment } from "../config/zod-issues.js";
import { UserError } from "../errors/user-error.js";
import type { DataSpec, LossSpec, ModelSpec } from "../protocol/messages.js";
import { closest } from "../util/suggest.js";
import type { SizeValuesSpec } from "../planning/size-grid.js";
import type { PluginManifest } from "./define.js";
import { loadManifest } from "./load-manifest.js";
import { resolveTokenData } from "../tokenize/token-data.js";

export const BUILTIN_PLUGIN_DIR = join(PROJECT_ROOT, "plugins");
const MANIFEST_FILE = "plugin.ts";

export function builtinPluginNames(): string[] {
  return readdirSync(BUILTIN_PLUGIN_DIR)
    .filter((name) => existsSync(join(BUILTIN_PLUGIN_DIR, name, MANIFEST_FILE)))
    .sort();
}

function looksLikePath(reference: string): boolean {
  return reference.includes("/") || reference.startsWith(".") || isAbsolute(reference);
}

/** The manifest file a `plugin:` reference names (a built-in name or a folder path). */
export function manifestPath(reference: string, baseDir: string): string {
  if (!looksLikePath(reference)) {
    const names = builtinPluginNames();
    if (!names.includes(reference)) {
      const guess = closest(reference, names);
      throw new UserError(
        `unknown plugin "${reference}"` + (guess ? ` (did you mean "${guess}"?)` : "") + `; built-in plugins: ${names.join(", ")}; or give a path to a plugin folder`,
        "unknown_plugin", { field: "plugin" }, guess ? [guess] : [],
      );
    }
    return join(BUILTIN_PLUGIN_DIR, reference, MANIFEST_FILE);
  }
  const path = resolve(baseDir, reference);
  if (!existsSync(path)) throw new UserError(`plugin folder not found: ${path} (expected a folder containing ${MANIFEST_FILE})`, "plugin_not_found", { field: "plugin" });
  return statSync(path).isDirectory() ? join(path, MANIFEST_FILE) : path;
}

/** Everything a worker needs to build the model family, data and loss. */
export interface ResolvedPlugin {
  name: string;
  description: string;
  manifestFile: string | null;
  model: ModelSpec;
  data: DataSpec;
  loss: LossSpec;
  /** Folders put first on the worker's sys.path. */
  sysPath: string[];
  flops: "measured" | "6nd";
  defaultSizeValues?: SizeValuesSpec;
}

/**
 * A manifest's `z.object({...})` strips keys it does not know, so a misspelled option would
 * be dropped and its default trained instead: options are checked strictly unless the
 * manifest asked for passthrough (`.loose()`) or a catch-all.
 */
function strict(schema: z.ZodType): z.ZodType {
  const def = schema._zod.def as { type?: string; catchall?: unknown };
  const object = schema as unknown as { strict?: () => z.ZodType };
  return def.type === "object" && def.catchall === undefined && typeof object.strict === "function" ? object.strict() : schema;
}

function validateOptions(declared: z.ZodType | undefined, options: Record<string, unknown>, path: PathSegment[], loaded: LoadedConfig): Record<string, unknown> {
  if (!declared) return options;
  const schema = strict(declared);
  const result = schema.safeParse(options);
  if (result.success) return result.data as Record<string, unknown>;
  const issues = result.error.issues.map((issue) => ({ ...issue, path: [...path, ...issue.path] })) as z.core.$ZodIssue[];
  const knownKeys = () => Object.keys((schema as unknown as { shape?: object }).shape ?? {});
  const valueAt = (p: readonly PathSegment[]) => p.slice(path.length).reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), options);
  throw new ConfigError(loaded.file, locateIssues(issues, (p) => loaded.locate?.(p), knownKeys, valueAt));
}

/** `note` receives progress of work done while resolving (a data.options.tokenize step). */
export async function resolvePlugin(loaded: LoadedConfig, note?: (text: string) => void): Promise<ResolvedPlugin> {
  const { config, baseDir } = loaded;
  const direct = config.model.target !== undefined;
  let manifest: PluginManifest | undefined;
  let manifestFile: string | null = null;
  // A config that names model.target and data.target needs no manifest at all.
  if (!direct || config.data.target === undefined) {
    try {
      manifestFile = manifestPath(config.plugin, baseDir);
    } catch (error) {
      if (error instanceof UserError) throw new UserError(error.message, error.code, { file: loaded.file, field: "plugin", ...loaded.locate?.(["plugin"]) }, error.suggestions);
      throw error;
    }
    manifest = await loadManifest(manifestFile);
  }
  const pluginDir = manifestFile ? dirname(manifestFile) : null;
  const isBuiltin = pluginDir !== null && dirname(pluginDir) === BUILTIN_PLUGIN_DIR;
  const sysPath = [...new Set([...(pluginDir && !isBuiltin ? [pluginDir] : []), baseDir])];

  let model: ModelSpec;
  if (direct) {
    if (!config.model.size_param) {
      throw new UserError(`model.target is set (${config.model.target}) but model.size_param is not: name the constructor argument that sets the size`, "missing_size_param", {
        file: loaded.file, field: "model.size_param", ...loaded.locate?.(["model", "target"]),
      });
    }
    model = { target: config.model.target!, size_param: config.model.size_param, options: config.model.options };
  } else {
    model = {
      target: manifest!.model.target,
      size_param: config.model.size_param ?? manifest!.model.sizeParam,
      options: validateOptions(manifest!.model.options, config.model.options, ["model", "options"], loaded),
    };
  }
  const data: DataSpec = await resolveTokenData(config.data.target
    ? { target: config.data.target, options: config.data.options }
    : { target: manifest!.data.target, options: validateOptions(manifest!.data.options, config.data.options, ["data", "options"], loaded) }, loaded, note);
  const lossTarget = config.loss.target ?? manifest?.loss?.target;
  return {
    name: direct ? config.model.target! : manifest!.name,
    description: manifest?.description ?? "",
    manifestFile,
    model,
    data,
    loss: lossTarget ? { target: lossTarget } : null,
    sysPath,
    flops: config.flops,
    defaultSizeValues: manifest?.model.sizeValues as SizeValuesSpec | undefined,
  };
}
