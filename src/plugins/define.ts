/**
 * `definePlugin`: the typed manifest a plugin author writes (plugins/NAME/plugin.ts). It
 * maps a model family onto PyTorch callables and declares, as zod schemas, the options
 * each part accepts, so a config is checked before any Python runs.
 *
 *   import { definePlugin, z } from "flops-fit";
 *   export default definePlugin({
 *     name: "mlp",
 *     model: { target: "model:MLP", sizeParam: "width", options: z.object({ depth: z.number().int().default(2) }) },
 *     data: { target: "model:Data", options: z.object({}) },
 *     loss: { target: "flops_fit_worker.losses:cross_entropy" },
 *   });
 */
import { z } from "zod";
import { PYTHON_TARGET } from "../util/python-target.js";

/** Schema for a part's options: an object schema (defaults fill what a config leaves out). */
export type OptionsSchema = z.ZodObject<z.core.$ZodLooseShape>;

export interface PluginPart<O extends OptionsSchema = OptionsSchema> {
  /** Python `module:Attribute`: importable from the plugin folder or the project. */
  target: string;
  options?: O;
}

export interface PluginManifest<M extends OptionsSchema = OptionsSchema, D extends OptionsSchema = OptionsSchema> {
  name: string;
  description?: string;
  model: PluginPart<M> & {
    /** Constructor argument that sets the size (e.g. `d_model`). */
    sizeParam: string;
    /** Default candidate size values for the planner's probe. */
    sizeValues?: number[] | { min: number; max: number; count?: number; multiple_of?: number };
  };
  data: PluginPart<D>;
  /** `loss(outputs, targets)`; omit for models that return an object with `.loss`. */
  loss?: { target: string };
  /** FLOPs per token: "measured" (default) or "6nd". */
  flops?: "measured" | "6nd";
}

export function definePlugin<M extends OptionsSchema, D extends OptionsSchema>(manifest: PluginManifest<M, D>): PluginManifest<M, D> {
  return manifest;
}

/** Checks that something loaded from plugin.ts really is a manifest (a user file may not be). */
export const ManifestShape = z.object({
  name: z.string().regex(/^[a-z][\w-]*$/i, "a plugin name is letters, digits, - and _"),
  description: z.string().optional(),
  model: z.object({
    target: z.string().regex(PYTHON_TARGET, "expected \"module:Attribute\""),
    sizeParam: z.string().min(1),
    options: z.custom<OptionsSchema>((v) => v instanceof z.ZodObject, "must be a z.object(...) schema").optional(),
    sizeValues: z.unknown().optional(),
  }),
  data: z.object({
    target: z.string().regex(PYTHON_TARGET, "expected \"module:Attribute\""),
    options: z.custom<OptionsSchema>((v) => v instanceof z.ZodObject, "must be a z.object(...) schema").optional(),
  }),
  loss: z.object({ target: z.string() }).optional(),
  flops: z.enum(["measured", "6nd"]).optional(),
});
