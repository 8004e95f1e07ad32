/** A SweepRun of parts, for tests of one stage on a scripted executor (no config file, no lock). */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadedConfig } from "../../src/config/load.js";
import type { SweepConfig } from "../../src/config/schema.js";
import type { MockSurface } from "../../src/protocol/messages.js";
import type { Executor } from "../../src/scheduler/executor.js";
import { RunDir } from "../../src/store/run-dir.js";
import { SweepEvents } from "../../src/sweep/sweep-events.js";
import { SweepJournals, type SweepRun } from "../../src/sweep/sweep-run.js";
import { plugin } from "../planning/one-experiment-fixture.js";

export function testRun(config: SweepConfig, executor: Executor, mock: MockSurface | null = null): SweepRun {
  const runDir = new RunDir(mkdtempSync(join(tmpdir(), "ff-stage-")));
  runDir.create();
  const stop = new AbortController();
  return {
    loaded: { config, file: join(runDir.root, "sweep.yaml"), baseDir: runDir.root } as LoadedConfig,
    config, plugin, mock, runDir, executor,
    resources: { workers: 1, device: "cpu", threadsPerWorker: 1, cores: 1, gpus: 0, gpuIds: [] },
    journals: new SweepJournals(runDir, runDir.journal("results")),
    fingerprint: "0123456789ab", definitions: { current: null, known: new Map(), unmarked: null },
    resume: true, events: new SweepEvents(), signal: stop.signal, abort: (reason) => stop.abort(reason),
  };
}
