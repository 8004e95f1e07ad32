/**
 * Loads a plugin's TypeScript manifest (plugin.ts) at run time with tsx. `flops-fit`
 * imports inside a manifest resolve to this very package, wherever the plugin folder is,
 * so a user's plugin needs no install step of its own.
 */
import { existsSync } from "node:fs";
import Module, { register } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { UserError } from "../errors/user-error.js";
import { ManifestShape, type PluginManifest } from "./define.js";

let hookRegistered = false;

type ResolveFilename = (request: string, ...rest: unknown[]) => string;

/**
 * Points the bare specifier `flops-fit` at this package's entry module, for manifests
 * compiled as ES modules (import hook) and as CommonJS (a plugin folder without
 * `"type": "module"`: tsx turns its imports into require calls).
 */
function registerSelfResolution(): void {
  if (hookRegistered) return;
  hookRegistered = true;
  const here = dirname(fileURLToPath(import.meta.url));
  const compiled = join(here, "..", "index.js");
  const entryPath = existsSync(compiled) ? compiled : join(here, "..", "index.ts");
  const entry = pathToFileURL(entryPath).href;
  const cjs = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = cjs._resolveFilename;
  cjs._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === "flops-fit" ? entryPath : original.call(this, request, ...rest);
  };
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
  let manifest = loaded.default;
  // A manifest compiled as CommonJS arrives as { default: manifest } inside the default.
  if (manifest && typeof manifest === "object" && !("name" in manifest) && "default" in manifest) manifest = (manifest as { default: unknown }).default;
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
