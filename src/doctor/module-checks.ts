/**
 * The Python modules `doctor` checks, one entry each: required ones fail the installation,
 * optional ones (extras) say what they are for and how to add them. Add a line here to check
 * another module.
 */
export interface ModuleCheck {
  /** What Python imports. */
  module: string;
  /** What the user knows it as (pip name). */
  label: string;
  /** Needed by every sweep; else an optional extra that only some configs need. */
  required: boolean;
  /** For an optional module: the pyproject extra that installs it, and what needs it. */
  extra?: { name: string; neededFor: string };
}

export const MODULE_CHECKS: ModuleCheck[] = [
  { module: "torch", label: "torch", required: true },
  { module: "accelerate", label: "accelerate", required: true },
  { module: "zmq", label: "pyzmq", required: true },
  { module: "numpy", label: "numpy", required: true },
  { module: "jsonschema", label: "jsonschema", required: true },
  { module: "flops_fit_worker", label: "flops-fit worker", required: true },
  { module: "transformers", label: "transformers", required: false, extra: { name: "models", neededFor: "Hugging Face models (docs/models.md)" } },
  { module: "timm", label: "timm", required: false, extra: { name: "models", neededFor: "timm models (docs/models.md)" } },
  { module: "tokenizers", label: "tokenizers", required: false, extra: { name: "hf", neededFor: "flops-fit tokenize (docs/tokenize.md)" } },
  { module: "datasets", label: "datasets", required: false, extra: { name: "hf", neededFor: "saved Hugging Face datasets as text (docs/tokenize.md)" } },
];
