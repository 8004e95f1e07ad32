/**
 * A scripted executor for the sweep's own tests: it answers each task with what a script
 * says, in-process, instead of handing it to a worker (the Executor interface,
 * src/scheduler/executor.ts). The pipeline then runs in milliseconds; what only a real
 * worker can prove stays in test/integration.
 */
import type { Hello, Progress } from "../../src/protocol/messages.js";
import type { Executor, Outcome, PoolTask, WorkerSnapshot } from "../../src/scheduler/executor.js";

/** How a script answers a task: its outcome, reporting progress on the way if it likes. */
export type Script = (task: PoolTask, onProgress: (progress: Progress) => void) => Outcome | Promise<Outcome>;

export interface ScriptedExecutor extends Executor {
  /** Every task it was given, in order. */
  readonly tasks: PoolTask[];
  /** Whether shutdown() was called, and a promise that resolves when it is (a script's hung run waits on it). */
  readonly stopped: boolean;
  readonly whenStopped: Promise<void>;
  /** A stranger's connection, refused (as the ZAP handler or a wrong token would). */
  refuse(who: string, reason: string): void;
}

export function scriptedExecutor(script: Script): ScriptedExecutor {
  const refusals: Array<(who: string, reason: string) => void> = [];
  const hello = { type: "hello", protocol_version: 2, pid: 1, python_version: "3.11", torch_version: "2", devices: ["cpu"], host: "here" } as unknown as Hello;
  let stopped = false;
  let stop = () => undefined as void;
  const whenStopped = new Promise<void>((resolve) => (stop = resolve));
  return {
    whenStopped,
    backend: "local",
    tasks: [],
    get stopped() {
      return stopped;
    },
    helloInfo: hello,
    hellos: [hello],
    ready: () => (stopped ? Promise.reject(new Error("stopped")) : Promise.resolve()),
    async run(task, onProgress, onStart) {
      if (stopped) return { kind: "cancelled", reason: "the pool is shutting down" };
      this.tasks.push(task);
      onStart?.("w0");
      return script(task, (progress) => onProgress?.(progress));
    },
    retire: () => undefined,
    shutdown() {
      stopped = true;
      stop();
      return Promise.resolve();
    },
    snapshot: (): WorkerSnapshot[] => [],
    onRefused: (listener) => void refusals.push(listener),
    refuse: (who, reason) => refusals.forEach((listener) => listener(who, reason)),
  };
}
