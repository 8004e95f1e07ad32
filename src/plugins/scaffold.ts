/**
 * `plugins init`: the text of a typed plugin manifest (plugin.ts) and of an example sweep
 * config (sweep.yaml) for an existing model factory, from its signature. Pure: a signature
 * in, text out; the command writes the files.
 */
import type { SignatureParam } from "./inspect-target.js";

/** Data target of a scaffold: the GPT plugin's byte corpus runs anywhere (no download), but the user replaces it. */
export const PLACEHOLDER_DATA_TARGET = "plugins.gpt.data:ByteCorpus";
export const DEFAULT_LOSS_TARGET = "flops_fit_worker.losses:cross_entropy";

export interface ScaffoldInput {
  name: string;
  target: string;
  sizeParam: string;
  signature: SignatureParam[];
  /** How the user reaches sweep.yaml from where they ran init (shown in comments only). */
  configPath: string;
  /** A folder the workers must get on PYTHONPATH to import the target's module; null when they find it anyway. */
  pythonPath: string | null;
}

/** A plugin name from a target: `net:Net` → `net`, `pkg.models:TinyGPT` → `tinygpt`. */
export function defaultPluginName(target: string): string {
  const attr = target.split(":").pop()!.split(".").pop()!;
  const name = attr.toLowerCase().replace(/[^\w-]/g, "").replace(/^[^a-z]+/, "");
  return name || "model";
}

const SIMPLE_TYPES: Record<string, string> = { int: "z.number().int()", float: "z.number()", bool: "z.boolean()", str: "z.string()" };

/** The zod type an annotation names when it is a plain int/float/bool/str (optionally `| None`). */
function fromAnnotation(annotation: string | null): string | null {
  if (!annotation) return null;
  const inner = annotation.replace(/^(typing\.)?Optional\[(.*)\]$/, "$2");
  const parts = inner.split("|").map((s) => s.trim()).filter((s) => s !== "None" && s !== "NoneType");
  return parts.length === 1 ? (SIMPLE_TYPES[parts[0]!] ?? null) : null;
}

/** One zod field for a constructor parameter, typed by its default (else its annotation), and a note for the reader. */
export function zodField(p: SignatureParam): { expression: string; note?: string } {
  const annotated = fromAnnotation(p.annotation);
  switch (p.default_type) {
    case "bool":
      return { expression: `z.boolean().default(${String(p.default)})` };
    case "int":
      return { expression: `z.number().int().default(${String(p.default)})` };
    case "float":
      if (typeof p.default === "number") return { expression: `z.number().default(${String(p.default)})` };
      break;
    case "str":
      return { expression: `z.string().default(${JSON.stringify(p.default)})` };
    case null:
      return { expression: annotated ?? "z.unknown()", note: `required: ${p.name} has no default in Python` };
  }
  const shown = p.default_type === "NoneType" ? "None" : String(p.default);
  return { expression: `${annotated ?? "z.unknown()"}.optional()`, note: `Python default ${shown} applies when unset` };
}

const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

/** Parameters that become options: all but the size parameter, *args and **kwargs. */
function optionParams(input: ScaffoldInput): SignatureParam[] {
  return input.signature.filter((p) => p.name !== input.sizeParam && p.kind !== "VAR_POSITIONAL" && p.kind !== "VAR_KEYWORD");
}

export function manifestText(input: ScaffoldInput): string {
  const { name, target, sizeParam } = input;
  const attr = target.split(":")[1]!;
  const fields = optionParams(input).map((p) => {
    if (p.kind === "POSITIONAL_ONLY") return `      // ${p.name}: positional-only, so it cannot be set (workers pass keyword arguments)`;
    const { expression, note } = zodField(p);
    return `      ${key(p.name)}: ${expression},${note ? ` // ${note}` : ""}`;
  });
  const loose = input.signature.some((p) => p.kind === "VAR_KEYWORD") ? ".loose()" : "";
  const options = fields.length > 0 ? `z.object({\n${fields.join("\n")}\n    })${loose}` : `z.object({})${loose}`;
  return `// ${name}: a flops-fit plugin for ${target}, written by \`flops-fit plugins init\`.
// The model is used unchanged: each run calls ${attr}(${sizeParam}=<size>, **options) and flops-fit
// counts the parameters itself. Check it with: flops-fit plan ${input.configPath}
import { definePlugin, z } from "flops-fit";

export default definePlugin({
  name: ${JSON.stringify(name)},
  description: ${JSON.stringify(`${attr} from ${target.split(":")[0]}, sized by ${sizeParam}`)},
  model: {
    target: ${JSON.stringify(target)},
    sizeParam: ${JSON.stringify(sizeParam)},
    // One field per other constructor argument, with its Python default: a config's
    // model.options are checked against these before any Python runs.
    options: ${options},
  },
  // TODO: the data cannot be guessed from the model. This placeholder, the GPT plugin's byte
  // corpus (offline), yields (inputs, targets) as int64 (batch, seq_len) with 256 classes; point
  // the target at your own "module:Class" whose batches your model accepts (docs/plugins.md).
  data: {
    target: ${JSON.stringify(PLACEHOLDER_DATA_TARGET)},
    options: z.object({ seq_len: z.number().int().positive().default(128) }).loose(),
  },
  // loss(outputs, targets); remove it if the model returns its own .loss.
  loss: { target: ${JSON.stringify(DEFAULT_LOSS_TARGET)} },
  flops: "measured",
});
`;
}

/**
 * package.json of a scaffolded plugin folder. `"type": "module"` makes plugin.ts load as an ES
 * module wherever the folder lives: outside an ESM package tsx would compile it to CommonJS,
 * whose `require("flops-fit")` the manifest loader's resolve hook does not see.
 */
export function packageJsonText(name: string): string {
  return JSON.stringify({ name: `flops-fit-plugin-${name}`, private: true, type: "module" }, null, 2) + "\n";
}

/**
 * Candidate sizes for the planner: 24 log-spaced values from 1/8 to 8× the size parameter's
 * default (8 … 512 without one). Fewer, coarser values leave budgets with < 3 sizes near N*.
 */
export function exampleSizeValues(signature: SignatureParam[], sizeParam: string): { min: number; max: number; count: number } {
  const value = signature.find((p) => p.name === sizeParam)?.default;
  if (typeof value !== "number" || value <= 0) return { min: 8, max: 512, count: 24 };
  return { min: Math.max(1, Math.round(value / 8)), max: value * 8, count: 24 };
}

export function sweepConfigText(input: ScaffoldInput): string {
  const env = input.pythonPath ? `PYTHONPATH=${input.pythonPath} ` : "";
  const required = optionParams(input).filter((p) => p.required && p.kind !== "POSITIONAL_ONLY");
  const sizes = exampleSizeValues(input.signature, input.sizeParam);
  const lines = [
    `# Example sweep for the ${input.name} plugin (written by \`flops-fit plugins init\`); paths are relative to this file.`,
    `#   ${env}flops-fit plan ${input.configPath}     # probe the sizes, show the plan`,
    `#   ${env}flops-fit sweep ${input.configPath}    # train every run, fit the scaling laws`,
    `name: ${input.name}`,
    `plugin: .                       # this folder (plugin.ts)`,
    `param_convention: total         # N counts every parameter; non_embedding leaves out embeddings (Kaplan et al. 2020)`,
    ...(required.length > 0 ? ["model:", "  options:", ...required.map((p) => `    ${p.name}: null   # TODO: required by ${input.target} (no default)`)] : []),
    `planning:`,
    `  budgets: [1e11, 3e11, 1e12]   # FLOPs per IsoFLOP curve`,
    `  size_values: { min: ${sizes.min}, max: ${sizes.max}, count: ${sizes.count} }   # candidate ${input.sizeParam} values, probed before planning`,
  ];
  return lines.join("\n") + "\n";
}

/** Problems with the scaffold the user should hear about. */
export function scaffoldWarnings(input: ScaffoldInput): string[] {
  const warnings: string[] = [];
  const size = input.signature.find((p) => p.name === input.sizeParam);
  if (size?.kind === "POSITIONAL_ONLY") warnings.push(`the size parameter ${input.sizeParam} is positional-only: workers pass it by name, so wrap ${input.target} in a function that takes it by keyword`);
  if (input.pythonPath) warnings.push(`workers import ${input.target.split(":")[0]} from ${input.pythonPath}: run sweeps with PYTHONPATH=${input.pythonPath}, or move the module into the plugin folder`);
  warnings.push(`the data target is a placeholder (${PLACEHOLDER_DATA_TARGET}): edit it in plugin.ts`);
  return warnings;
}
