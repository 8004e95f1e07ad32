/** Process helpers for the integration tests: find the CLI's workers, wait for conditions. */
import { execFileSync } from "node:child_process";

function children(pid: number, pattern?: string): number[] {
  try {
    const args = pattern ? ["-P", String(pid), "-f", pattern] : ["-P", String(pid)];
    return execFileSync("pgrep", args).toString().trim().split("\n").filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Python worker processes started by the CLI process `pid`. */
export function workerPids(pid: number): number[] {
  return children(pid, "flops_fit_worker");
}

/** Every process below `pid`. */
export function descendants(pid: number): number[] {
  return children(pid).flatMap((child) => [child, ...descendants(child)]);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return condition();
}
