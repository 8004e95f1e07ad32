/**
 * Loads a plugin's TypeScript manifest (plugin.ts) at run time with tsx. `flops-fit`
 * imports inside a manifest resolve to this very package, wherever the plugin folder is,
 * so a user's plugin needs no install step of its own.
 */
import { existsSync } from "node:fs";
import { register } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { UserError } from "../errors/user-error.js";
import { ManifestShape, type PluginManifest } from "./define.js";

let hookRegistered = false;

/** Points the bare specifier `flops-fit` at this package's entry module. */
function registerSelfResolution(): void {
  if (hookRegistered) return;
  hookRegistered = true;
  const here = dirname(fileURLToPath(import.meta.url));
  const compiled = join(here, "..", "index.js");
  const entry = pathToFileURL(existsSync(compiled) ? compiled : join(here, "..", "index.ts")).href;
  const hook = `export async function resolve(specifier, context, next) {
    if (specifier === "flops-fit") return { url: ${JSON.stringify(entry)}, shortCircuit: true };
    return next(specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}

export async function loadManifest(file: string): Promise<PluginManifest> {
  if (!existsSync(file)) throw new UserError(`plugin manifest not found: ${file}`, "plugin_not_found", { file });
  registerSelfResolution();
  const { tsImport } = await import("tsx/esm/api");
  let loaded: { default?: unknown };
  try {
    loaded = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
  } catch (error) {
    const message = (error as Error).message.split("\n").slice(0, 3).join("\n");
    throw new UserError(`cannot load plugin manifest ${file}: ${message}`, "bad_manifest", { file });
  }
  const manifest = loaded.default;
  const checked = ManifestShape.safeParse(manifest);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new UserError(
      `invalid plugin manifest ${file}: ${issue.path.join(".") || "default export"}: ${issue.message} (export default definePlugin({...}))`,
      "bad_manifest",
      { file, field: issue.path.join(".") },
    );
  }
  return manifest as PluginManifest;
}
