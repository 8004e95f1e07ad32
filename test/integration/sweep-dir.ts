/** A fresh temp folder holding a sweep config (YAML lines) and the run directory path. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SweepDir {
  dir: string;
  config: string;
  /** The run directory (`--out`); not created. */
  out: string;
  results: string;
}

export function sweepDir(prefix: string, yamlLines: string[]): SweepDir {
  const dir = mkdtempSync(join(tmpdir(), `ff-${prefix}-`));
  const config = join(dir, "sweep.yaml");
  writeFileSync(config, yamlLines.join("\n"));
  const out = join(dir, "run");
  return { dir, config, out, results: join(out, "results.jsonl") };
}
