/** Runs the built CLI (bin/run.js → dist/) as a user would, capturing stdout, stderr and the exit code. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/config/load.js";

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number;
}

export function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string; onSpawn?: (pid: number) => void; onStderr?: (text: string) => void } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, "bin", "run.js"), ...args], {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(chunk.toString());
    });
    child.on("error", reject);
    options.onSpawn?.(child.pid!);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, pid: child.pid! }));
  });
}

/** Runs CLI commands, `parallel` at a time (each is one process). */
export async function runAll(commands: string[][], parallel = 3): Promise<CliRun[]> {
  const results: CliRun[] = new Array(commands.length);
  let next = 0;
  const worker = async () => {
    while (next < commands.length) {
      const i = next++;
      results[i] = await runCli(commands[i]!);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}
