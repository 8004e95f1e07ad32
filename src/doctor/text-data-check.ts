/**
 * `doctor`'s line for text data: can the worker's Python import `tokenizers` (`flops-fit
 * tokenize`) and `datasets` (saved Hugging Face datasets as input)? Optional: byte-level sweeps
 * and token folders need neither, so a missing one never makes `ok` false.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { workerPythonPath } from "../scheduler/python.js";

const run = promisify(execFile);

export interface TextDataCheck {
  /** Installed versions, null when the module does not import. */
  tokenizers: string | null;
  datasets: string | null;
}

// Found on the path and its installed version, without importing it (datasets takes seconds to import).
const PROBE = `
import importlib.metadata, importlib.util, json
found = {}
for name in ("tokenizers", "datasets"):
    try:
        found[name] = importlib.metadata.version(name) if importlib.util.find_spec(name) else None
    except Exception:
        found[name] = None
print(json.dumps(found))
`;

export async function checkTextData(python: string): Promise<TextDataCheck> {
  try {
    const { stdout } = await run(python, ["-c", PROBE], { env: { ...process.env, PYTHONPATH: workerPythonPath() }, timeout: 60_000 });
    return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as TextDataCheck;
  } catch {
    return { tokenizers: null, datasets: null };
  }
}

export function formatTextDataCheck(check: TextDataCheck): string {
  const part = (name: string, version: string | null, use: string) => (version ? `${name} ${version}` : `${name} missing (${use}; pip install ${name}, or npm run setup:python -- --force)`);
  return `text data: ${part("tokenizers", check.tokenizers, "flops-fit tokenize needs it")}, ${part("datasets", check.datasets, "saved HF datasets as input need it")}`;
}
