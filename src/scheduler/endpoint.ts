/**
 * Where the ROUTER listens. Default: `ipc://` in a fresh, private (0700) temp folder with
 * a short path (unix socket paths are limited to ~107 bytes). `tcp://127.0.0.1:0`
 * otherwise; a non-loopback address requires CURVE (see security.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Endpoint {
  /** What the ROUTER binds. */
  bind: string;
  /** Removes the temp folder (ipc). */
  cleanup(): void;
}

export function ipcEndpoint(): Endpoint {
  const base = tmpdir().length > 60 ? "/tmp" : tmpdir();
  const dir = mkdtempSync(join(base, "ff-"));
  // Also when the process exits without shutting the pool down (a second Ctrl-C).
  const remove = () => rmSync(dir, { recursive: true, force: true });
  process.on("exit", remove);
  return {
    bind: `ipc://${join(dir, "r.sock")}`,
    cleanup: () => {
      process.off("exit", remove);
      remove();
    },
  };
}

export function tcpLoopbackEndpoint(): Endpoint {
  return { bind: "tcp://127.0.0.1:*", cleanup: () => undefined };
}

export function isLoopbackOrIpc(endpoint: string): boolean {
  if (endpoint.startsWith("ipc://") || endpoint.startsWith("inproc://")) return true;
  const match = /^tcp:\/\/(\[[^\]]+\]|[^:]+):/.exec(endpoint);
  if (!match) return false;
  const host = match[1]!.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}
