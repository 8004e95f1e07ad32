#!/usr/bin/env node
// Runs the worker's Python (FLOPS_FIT_PYTHON, else .venv) with the given arguments, from
// the project root. Used by `npm test` (pytest) and `npm run typecheck:py` (mypy).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const python = process.env.FLOPS_FIT_PYTHON ?? join(root, ".venv", "bin", "python");
const result = spawnSync(python, process.argv.slice(2), { cwd: root, stdio: "inherit" });
if (result.error) {
  console.error(`flops-fit: cannot run ${python}: ${result.error.message} (run: npm run setup:python)`);
  process.exit(1);
}
process.exit(result.status ?? 1);
