/**
 * fit.json, defined once: the fitting engine's result (fitting/result-schema.ts) as a run
 * directory keeps it, with the parameter convention, every run left out of the fit, and the
 * request that made it. `fit --json` prints a FitOutput; fit.json adds `request`. A field
 * of fit.json is added here, in FitOutputSchema (or, for what decides whether a stored fit
 * is reused, in FitRequestKeySchema), and the report and `sweep --json` read it typed.
 */
import { z } from "zod";
import { ExclusionSchema, FitResultSchema, ParamConventionSchema } from "../fitting/index.js";

/**
 * A run left out of the fit, and why: it did not complete, has no held-out loss or no
 * parameter count under the convention, belongs to another sweep definition, or the engine
 * excluded it (an invalid value, --exclude-worst). One list, whatever the reason.
 */
export const LeftOutSchema = ExclusionSchema.extend({ status: z.string() });

/** The fit of a run directory's runs: what `fit --json` prints and fit.json holds. */
export const FitOutputSchema = FitResultSchema.omit({ exclusions: true, param_convention: true }).extend({
  param_convention: ParamConventionSchema,
  left_out: z.array(LeftOutSchema),
  /**
   * A run directory's training cost, measured (store/run-cost.ts): FLOPs its attempts
   * trained, and what a cosine sweep of its completed points would (equal under cosine).
   */
  cost: z.object({ train_flops: z.number(), cosine_equivalent_flops: z.number() }).optional(),
});

/** What made a fit (fit/fit-run-dir.ts reuses fit.json only for the same request). */
export const FitRequestKeySchema = z.object({
  /** The sweep definition's fingerprint; null for a CSV or a results file without one. */
  definition: z.string().nullable(),
  approaches: z.array(z.number()),
  bootstrap: z.number(),
  seed: z.number(),
  predict: z.array(z.number()),
  param_convention: z.string(),
  exclude_worst: z.number(),
  confidence: z.number(),
  holdout: z.union([z.number(), z.literal("auto")]),
  /** The fitting methods' version (fitting/fitter-version.ts); absent in fits made before it was recorded. */
  fitter: z.number().optional(),
});

/** fit.json: the fit and the request that made it (absent from a fit.json written elsewhere, which is never reused). */
export const FitJsonSchema = FitOutputSchema.extend({ request: FitRequestKeySchema.optional() });

export type LeftOut = z.infer<typeof LeftOutSchema>;
export type FitOutput = z.infer<typeof FitOutputSchema>;
export type FitRequestKey = z.infer<typeof FitRequestKeySchema>;
export type FitJson = z.infer<typeof FitJsonSchema>;

/** fit.json's fit and request, or why it is not one this version wrote (the first field that differs). */
export function parseFitJson(value: unknown, file: string): { fit: FitOutput; request: FitRequestKey | undefined } | { problem: string } {
  const parsed = FitJsonSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { problem: `${file}: not a fit of this version (${issue.path.join(".") || "top level"}: ${issue.message})` };
  }
  const { request, ...fit } = parsed.data;
  return { fit, request };
}
