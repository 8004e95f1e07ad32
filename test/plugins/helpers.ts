/**
 * Shared fixtures for the `plugins` command tests: a model module in a temporary folder
 * outside the repository, and two ways to run a command from src/ without a build.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import { vi } from "vitest";
import { PROJECT_ROOT } from "../../src/config/load.js";
import { choosePython } from "../../src/scheduler/python.js";

/** `Net(width, depth=2)`: an embedding, `depth` square linear layers and a 3-way head; no num_params(). */
export const NET_SOURCE = `import torch
from torch import nn

print("netmod: printed while importing")


class Net(nn.Module):
    def __init__(self, width: int, depth: int = 2):
        super().__init__()
        self.emb = nn.Embedding(10, width)
        self.layers = nn.ModuleList([nn.Linear(width, width) for _ in range(depth)])
        self.head = nn.Linear(width, 3)

    def forward(self, x):
        h = self.emb(x)
        for layer in self.layers:
            h = torch.relu(layer(h))
        return self.head(h)
`;

/** Net's parameters counted by hand: embedding 10·w, each layer w² + w, head 3·w + 3. */
export function netCounts(width: number, depth = 2) {
  const embedding = 10 * width;
  const total = embedding + depth * (width * width + width) + 3 * width + 3;
  return { size: width, n_params: total, n_params_embedding: embedding, n_params_non_embedding: total - embedding };
}

/** A fresh folder outside the repository holding netmod.py. */
export function makeModelDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "flops-fit-plugins-"));
  writeFileSync(join(dir, "netmod.py"), NET_SOURCE);
  return dir;
}

export interface CommandRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The command's return value (its --json output), when it succeeded. */
  result?: unknown;
}

interface RunnableCommand {
  run(argv: string[], root: string): Promise<unknown>;
}

/** Runs a command class in this process, capturing what it writes to stdout and stderr. */
export async function runInProcess(command: RunnableCommand, argv: string[]): Promise<CommandRun> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  // oclif writes --json output with console.log, which vitest intercepts before process.stdout.
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void (stdout += format(...args) + "\n"));
  const error = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void (stderr += format(...args) + "\n"));
  try {
    const result = await command.run(argv, PROJECT_ROOT);
    return { exitCode: 0, stdout, stderr, result };
  } catch (error) {
    const exit = (error as { oclif?: { exit?: number } }).oclif?.exit;
    if (exit === undefined) throw error;
    return { exitCode: exit, stdout, stderr };
  } finally {
    for (const spy of [out, err, log, error]) spy.mockRestore();
  }
}

/** What `node --import tsx` loads, found from this package (the child may run in a folder outside it). */
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** Runs `flops-fit plugins <name> ...argv` from src/ in a child Node (real stdout, exit code). */
export function runSubprocess(name: string, argv: string[], cwd: string): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", tsxLoader, join(PROJECT_ROOT, "test", "plugins", "run-command.ts"), name, ...argv], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ exitCode: code ?? -1, stdout, stderr }));
  });
}

/**
 * Whether the worker's Python can import `module` (after flops-fit's torchvision check, as the
 * workers do): tests of the optional `models` extra (transformers, timm) skip cleanly without it.
 */
export function hasPython(module: string): boolean {
  const python = choosePython();
  const probe = spawnSync(python.executable, ["-c", `import sys; sys.path.insert(0, "py_runtime"); from flops_fit_worker.vision_compat import ensure_torchvision_importable as e; e(); import ${module}`], {
    cwd: PROJECT_ROOT, stdio: "ignore", timeout: 120_000,
  });
  return probe.status === 0;
}
