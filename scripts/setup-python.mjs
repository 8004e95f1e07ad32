#!/usr/bin/env node
// Creates (or refreshes) the worker's Python environment in .venv from pyproject.toml.
// Idempotent: a stamp file holds the hash of pyproject.toml, so a second run takes
// milliseconds. Skipped when FLOPS_FIT_PYTHON names an interpreter the user manages.
// Usage: node scripts/setup-python.mjs [--force]
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const venv = join(root, ".venv");
const python = join(venv, "bin", "python");
const stamp = join(venv, ".flops-fit-stamp");
const force = process.argv.includes("--force");

if (process.env.FLOPS_FIT_PYTHON && !force) {
  console.error(`flops-fit: FLOPS_FIT_PYTHON=${process.env.FLOPS_FIT_PYTHON} is set; not creating .venv`);
  process.exit(0);
}

// The worker package with its test tools, the optional Hugging Face `datasets` reader, the
// real model families the tests sweep (transformers, timm) and TensorBoard. W&B (the `wandb`
// extra) is tried afterwards on its own: where its dependencies cannot be installed, setup
// goes on without it (runs then log no W&B, and its tests skip).
const target = ".[dev,hf,models,tensorboard]";
const optional = ".[wandb]";
const want = createHash("sha256").update(readFileSync(join(root, "pyproject.toml"))).update(target).digest("hex");
if (!force && existsSync(python) && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === want) {
  process.exit(0);
}

const base = process.env.PYTHON ?? "python3";
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ["ignore", 2, 2], env: { PIP_RETRIES: "0", ...process.env } });
try {
  if (!existsSync(python)) {
    console.error(`flops-fit: creating the worker environment in .venv with ${base}`);
    run(base, ["-m", "venv", venv]);
  }
  console.error(`flops-fit: installing the worker package ${target} and its dependencies (torch, accelerate, pyzmq, ...)`);
  run(python, ["-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target]);
  try {
    run(python, ["-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", optional]);
  } catch {
    console.error("flops-fit: W&B (wandb) could not be installed here; sweeps run without W&B logging (docs/tracking.md)");
  }
  writeFileSync(stamp, want + "\n");
} catch (error) {
  console.error(`flops-fit: setting up the Python worker failed: ${error.message}`);
  console.error("Fix the error above, then run: npm run setup:python -- --force");
  console.error("Or point FLOPS_FIT_PYTHON at an interpreter that has torch, accelerate, pyzmq, numpy, jsonschema.");
  process.exit(1);
}
