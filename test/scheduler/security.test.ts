import { spawn, type ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { curveKeyPair } from "zeromq";
import { PROJECT_ROOT } from "../../src/config/load.js";
import { isLoopbackOrIpc, tcpLoopbackEndpoint } from "../../src/scheduler/endpoint.js";
import type { WorkerPool } from "../../src/scheduler/pool.js";
import { choosePython, workerPythonPath } from "../../src/scheduler/python.js";
import { generateCredentials, z85Encode } from "../../src/scheduler/security.js";
import { probeTask, startPool } from "./helpers.js";

let pool: WorkerPool | undefined;
const rogues: ChildProcess[] = [];
afterEach(async () => {
  for (const rogue of rogues.splice(0)) rogue.kill("SIGKILL");
  await pool?.shutdown(1000);
  pool = undefined;
});

function rogueWorker(endpoint: string, env: Record<string, string>): ChildProcess {
  const child = spawn(choosePython().executable, ["-m", "flops_fit_worker", "--endpoint", endpoint, "--worker-id", "rogue", "--heartbeat-timeout", "20"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PYTHONPATH: workerPythonPath(), ...env },
    stdio: ["pipe", "ignore", "ignore"],
  });
  rogues.push(child);
  return child;
}

async function refusal(p: WorkerPool, timeoutMs = 30_000): Promise<{ who: string; reason: string }> {
  if (p.refusals.length > 0) return p.refusals[0]!;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no refusal reported")), timeoutMs);
    p.once("refused", (who: string, reason: string) => {
      clearTimeout(timer);
      resolve({ who, reason });
    });
  });
}

describe("endpoint security", () => {
  it("treats only ipc:// and loopback tcp as local", () => {
    expect(isLoopbackOrIpc("ipc:///tmp/ff-x/r.sock")).toBe(true);
    expect(isLoopbackOrIpc("tcp://127.0.0.1:5555")).toBe(true);
    expect(isLoopbackOrIpc("tcp://[::1]:5555")).toBe(true);
    expect(isLoopbackOrIpc("tcp://10.1.2.3:5555")).toBe(false);
    expect(isLoopbackOrIpc("tcp://0.0.0.0:5555")).toBe(false);
    expect(isLoopbackOrIpc("tcp://node17:5555")).toBe(false);
  });

  it("encodes keys in Z85 as ZeroMQ does (RFC 32 test vector)", () => {
    expect(z85Encode(new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]))).toBe("HelloWorld");
  });

  it("admits its own workers over CURVE with the token", async () => {
    pool = await startPool({ workers: 1, endpoint: tcpLoopbackEndpoint(), credentials: generateCredentials() });
    expect(await pool.run(probeTask())).toMatchObject({ kind: "result" });
    expect(pool.refusals).toEqual([]);
  });

  it("refuses a worker with the right keys but a wrong token, and says so", async () => {
    pool = await startPool({ workers: 1, endpoint: tcpLoopbackEndpoint(), credentials: generateCredentials() });
    await pool.ready();
    rogueWorker(pool.address, { ...pool.workerEnvironment(), FLOPS_FIT_TOKEN: "guess" });
    expect(await refusal(pool)).toMatchObject({ reason: "wrong token" });
  });

  it("refuses a worker with an unknown CURVE client key, and says so", async () => {
    pool = await startPool({ workers: 1, endpoint: tcpLoopbackEndpoint(), credentials: generateCredentials() });
    await pool.ready();
    const stranger = curveKeyPair();
    rogueWorker(pool.address, { ...pool.workerEnvironment(), FLOPS_FIT_CURVE_CLIENT_PUBLIC: stranger.publicKey, FLOPS_FIT_CURVE_CLIENT_SECRET: stranger.secretKey });
    const refused = await refusal(pool);
    expect(refused.reason).toMatch(/unknown CURVE client key|authentication failed/);
  });

  it("refuses a worker that has the wrong server key, and says so", async () => {
    pool = await startPool({ workers: 1, endpoint: tcpLoopbackEndpoint(), credentials: generateCredentials() });
    await pool.ready();
    rogueWorker(pool.address, { ...pool.workerEnvironment(), FLOPS_FIT_CURVE_SERVER_PUBLIC: curveKeyPair().publicKey });
    const refused = await refusal(pool);
    expect(refused.reason).toMatch(/handshake/i);
  });

  it("refuses a plain (no CURVE) worker on a CURVE endpoint", async () => {
    pool = await startPool({ workers: 1, endpoint: tcpLoopbackEndpoint(), credentials: generateCredentials() });
    await pool.ready();
    rogueWorker(pool.address, { FLOPS_FIT_CURVE_SERVER_PUBLIC: "" });
    const refused = await refusal(pool);
    expect(refused.reason).toMatch(/handshake|mechanism/i);
  });
});
