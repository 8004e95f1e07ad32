import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/load.js";
import { SweepConfig } from "../../src/config/schema.js";
import { buildExperiments } from "../../src/sweep/experiments.js";
import { definitionFingerprint, sweepDefinition } from "../../src/store/sweep-definition.js";
import type { ResultRecord } from "../../src/store/record.js";
import { fitSummary } from "../../src/tracking/fit-summary.js";
import { taskTracking, wandbRunId, wandbSummaryRunId } from "../../src/tracking/task-tracking.js";
import { noteTrackingWarnings, trackingWarnings } from "../../src/tracking/tracking-warnings.js";
import { SweepEvents } from "../../src/sweep/sweep-events.js";
import { plan, plugin } from "../planning/one-experiment-fixture.js";
import type { FitOutput } from "../../src/fit/fit-rows.js";

const dir = mkdtempSync(join(tmpdir(), "ff-tracking-config-"));
function load(yaml: string) {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `planning:\n  budgets: [1e11]\n${yaml}`);
  return loadConfig(file);
}
function problem(yaml: string): string {
  try {
    load(yaml);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const tracked = SweepConfig.parse({ planning: { budgets: [1e11] }, tracking: { tensorboard: true, wandb: { project: "scaling", entity: "lab", mode: "offline", tags: ["tiny"] } } });
const untracked = SweepConfig.parse({ planning: { budgets: [1e11] } });

describe("tracking config", () => {
  it("reads tracking.wandb and tracking.tensorboard with defaults, and tracking is off by default", () => {
    const { config } = load("tracking:\n  wandb: { project: my-scaling, entity: my-lab }\n  tensorboard: true\n");
    expect(config.tracking).toEqual({ tensorboard: true, wandb: { project: "my-scaling", entity: "my-lab", mode: "online", tags: [], init_timeout_s: 60 } });
    expect(untracked.tracking).toEqual({ tensorboard: false });
  });

  it("names the line and field of a bad tracking value", () => {
    expect(problem("tracking:\n  wandb: { project: p, mode: onlin }\n")).toMatch(/:4:24 +tracking\.wandb\.mode: .*"online"\|"offline"\|"disabled" \(got "onlin"\)/);
    expect(problem("tracking:\n  wandb: { entity: lab }\n")).toMatch(/tracking\.wandb\.project/);
    expect(problem("tracking:\n  tensorbord: true\n")).toMatch(/:4:3.*unknown key "tensorbord" \(did you mean "tensorboard"\?\)/);
    expect(problem("tracking:\n  tensorboard: yes please\n")).toMatch(/:4:\d+.*tracking\.tensorboard/);
  });

  it("refuses credentials in a config, saying where they belong", () => {
    const message = problem("tracking:\n  wandb: { project: p, api_key: abc123 }\n");
    expect(message).toMatch(/:4:\d+ +tracking\.wandb\.api_key: W&B credentials never go in a config .*WANDB_API_KEY/);
    expect(message).not.toContain("abc123"); // the key itself is never echoed
  });

  it("changes neither the sweep definition nor any experiment id", () => {
    const definition = (config: SweepConfig) => definitionFingerprint(sweepDefinition({ config, plugin, mock: null, flops: "measured" }));
    expect(definition(tracked)).toBe(definition(untracked));
    const ids = (config: SweepConfig) => buildExperiments(plan, { config, plugin, tokensPerSample: 128, threadsPerWorker: 1, mock: null }).map((e) => e.experiment_id);
    expect(ids(tracked)).toEqual(ids(untracked));
  });
});

describe("a run's tracking settings", () => {
  const context = { tracking: tracked.tracking, runDir: "/runs/tiny", sweep: "tiny", fingerprint: "f00d" };

  it("name the experiment's TensorBoard folder and one W&B run that every attempt resumes", () => {
    const settings = taskTracking(context, "0123456789ab")!;
    expect(settings.tensorboard_dir).toBe(join("/runs/tiny", "tensorboard", "0123456789ab"));
    expect(settings.wandb).toEqual({ project: "scaling", entity: "lab", mode: "offline", group: "tiny", tags: ["tiny"], dir: "/runs/tiny", run_id: wandbRunId("0123456789ab", "tiny"), init_timeout_s: 60 });
    expect(taskTracking(context, "0123456789ab")).toEqual(settings); // the same for a retry or a resumed sweep
    expect(settings.wandb!.run_id).toMatch(/^0123456789ab-[0-9a-f]{6}$/);
    expect(wandbRunId("0123456789ab", "another-sweep")).not.toBe(settings.wandb!.run_id);
    expect(wandbSummaryRunId("tiny")).toMatch(/^fit-[0-9a-f]{6}$/);
    expect(JSON.stringify(settings)).not.toMatch(/api_key|WANDB_API_KEY/);
  });

  it("are null when nothing is tracked, and carry no W&B when it is disabled", () => {
    expect(taskTracking({ ...context, tracking: untracked.tracking }, "0123456789ab")).toBeNull();
    expect(taskTracking({ ...context, tracking: { tensorboard: false, wandb: { ...tracked.tracking.wandb!, mode: "disabled" } } }, "x")).toBeNull();
    expect(taskTracking({ ...context, tracking: { tensorboard: true, wandb: { ...tracked.tracking.wandb!, mode: "disabled" } } }, "x")!.wandb).toBeNull();
  });
});

describe("tracking warnings", () => {
  const record = (id: string, warnings?: string[]) => ({ experiment_id: id, ...(warnings ? { tracking_warnings: warnings } : {}) }) as unknown as ResultRecord;

  it("are shown once each, however many runs bring them, and everything else reaches the display", () => {
    const shown: string[] = [];
    const recorded: string[] = [];
    const events = new SweepEvents();
    events.on((event) => {
      if (event.type === "note") shown.push(event.text);
      if (event.type === "recorded") recorded.push(event.record.experiment_id);
    });
    noteTrackingWarnings(events);
    const run = (r: ResultRecord) => events.emit({ type: "recorded", stage: "sweep", experiment: {} as never, record: r, willRetry: false });
    for (const id of ["a", "b", "c"]) run(record(id, ["W&B: not logging: no wandb"]));
    run(record("d", ["W&B: not logging: no wandb", "TensorBoard: stopped logging: disk full"]));
    events.note("a note");
    expect(recorded).toEqual(["a", "b", "c", "d"]);
    expect(shown).toEqual([
      "tracking: W&B: not logging: no wandb (the sweep goes on; shown once)",
      "tracking: TensorBoard: stopped logging: disk full (the sweep goes on; shown once)",
      "a note",
    ]);
    expect(trackingWarnings([record("a", ["x"]), record("b"), record("c", ["x", "y"])])).toEqual(["x", "y"]);
  });
});

describe("the summary run's request", () => {
  it("holds each fitted approach's exponents and parameters with intervals, the Chinchilla table and the PNG figures", () => {
    const fit = {
      n_points: 12, preferred_approach: 3, predictions: [], warnings: [],
      approaches: {
        2: { status: "fitted", a: 0.45, b: 0.55, intervals: { a: { lo: 0.4, hi: 0.5, se: 0.02 } } },
        3: { status: "fitted", E: 1.7, A: 400, B: 410, alpha: 0.34, beta: 0.28, a: 0.45, b: 0.55, intervals: { alpha: { lo: 0.3, hi: 0.38, se: 0.02 } } },
        1: { status: "no_law", reason: "too few budgets" },
      },
    } as unknown as FitOutput;
    const summary = fitSummary(fit, ["/r/report/index.html", "/r/report/n-opt.svg", "/r/report/n-opt.png", "/r/report/isoflop-curves.png"]);
    expect(summary.step).toBe(12);
    expect(summary.scalars).toEqual({
      "approach2/a": 0.45, "approach2/a_lo": 0.4, "approach2/a_hi": 0.5, "approach2/b": 0.55,
      "approach3/a": 0.45, "approach3/b": 0.55, "approach3/E": 1.7, "approach3/A": 400, "approach3/B": 410,
      "approach3/alpha": 0.34, "approach3/alpha_lo": 0.3, "approach3/alpha_hi": 0.38, "approach3/beta": 0.28,
    });
    expect(summary.figures).toEqual({ "n-opt": "/r/report/n-opt.png", "isoflop-curves": "/r/report/isoflop-curves.png" });
    expect(summary.preferred_approach).toBe(3);
    expect(summary.table_csv.split("\n")[0]).toMatch(/^budget_flops,approach,n_params/);
  });
});
