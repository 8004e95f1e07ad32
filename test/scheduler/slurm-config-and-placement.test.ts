import { describe, expect, it } from "vitest";
import { SlurmConfig, SweepConfig } from "../../src/config/schema.js";
import { gpusOfSlot, pilotResources, planResources, visibleGpus } from "../../src/scheduler/resources.js";
import { sbatchArguments } from "../../src/scheduler/slurm/sbatch-args.js";
import { advertisedEndpoint } from "../../src/sweep/start-executor.js";

const pilots = { jobName: "flops-fit-abcd", indices: [0, 1, 2], outputPattern: "/runs/x/logs/pilot-%a.log", script: "/runs/x/pilots/pilot-0.sh" };

describe("the pilots' sbatch command line", () => {
  it("maps scheduler.slurm to one job array: partition, time, one GPU request per pilot, cores, account, qos, constraint, extra arguments", () => {
    const slurm = SlurmConfig.parse({ partition: "gpu", time: "04:00:00", gpus_per_worker: 1, cpus_per_worker: 8, account: "my-lab", qos: "high", constraint: "a100", extra_args: ["--mem=16G"] });
    const args = sbatchArguments(slurm, pilots);
    expect(args).toEqual(expect.arrayContaining([
      "--job-name=flops-fit-abcd", "--array=0,1,2", "--partition=gpu", "--time=04:00:00", "--gres=gpu:1", "--cpus-per-task=8",
      "--account=my-lab", "--qos=high", "--constraint=a100", "--mem=16G", "--signal=B:USR1@120", "--no-requeue",
    ]));
    expect(args.at(-1)).toBe(pilots.script);
  });

  it("asks for no GPU and leaves partition and time to the cluster when the config does not name them", () => {
    const args = sbatchArguments(SlurmConfig.parse({}), pilots);
    expect(args.some((a) => a.startsWith("--gres") || a.startsWith("--partition") || a.startsWith("--time") || a.startsWith("--account"))).toBe(false);
  });

  it("never carries the sweep's secrets (keys, token): they are in a 0600 file the job sources", () => {
    const args = sbatchArguments(SlurmConfig.parse({ time: "1:00:00" }), pilots).join(" ");
    expect(args).not.toMatch(/TOKEN|CURVE|SECRET/i);
  });
});

describe("scheduler config for SLURM", () => {
  it("defaults to the local backend; backend: slurm with its settings parses", () => {
    expect(SweepConfig.parse({ planning: { budgets: [1e11] } }).scheduler.backend).toBe("local");
    const config = SweepConfig.parse({ planning: { budgets: [1e11] }, scheduler: { backend: "slurm", workers: 8, slurm: { partition: "gpu", time: "04:00:00", gpus_per_worker: 1, cpus_per_worker: 8, max_replacements: 2 } } });
    expect(config.scheduler.slurm).toMatchObject({ partition: "gpu", gpus_per_worker: 1, max_replacements: 2 });
  });

  it("refuses a time SLURM would not read, and a misspelled key", () => {
    expect(SweepConfig.safeParse({ planning: { budgets: [1e11] }, scheduler: { slurm: { time: "4 hours" } } }).success).toBe(false);
    expect(SweepConfig.safeParse({ planning: { budgets: [1e11] }, scheduler: { slurm: { gpus: 1 } } }).success).toBe(false);
  });

  it("pilots: as many as asked, each with its GPUs and cores; workers: auto is refused with the field named", () => {
    expect(pilotResources(4, SlurmConfig.parse({ gpus_per_worker: 1, cpus_per_worker: 8 }))).toMatchObject({ workers: 4, device: "cuda", threadsPerWorker: 8, gpus: 4 });
    expect(pilotResources(2, SlurmConfig.parse({}))).toMatchObject({ device: "cpu", threadsPerWorker: 1 });
    expect(() => pilotResources("auto", SlurmConfig.parse({}))).toThrow(/scheduler\.workers/);
  });
});

describe("GPU placement on one machine", () => {
  it("visible GPUs are the parent's CUDA_VISIBLE_DEVICES when set, else every GPU nvidia-smi lists", () => {
    expect(visibleGpus({ CUDA_VISIBLE_DEVICES: "2,5" }, () => 8)).toEqual(["2", "5"]);
    expect(visibleGpus({ CUDA_VISIBLE_DEVICES: "" }, () => 8)).toEqual([]);
    expect(visibleGpus({}, () => 3)).toEqual(["0", "1", "2"]);
  });

  it("workers: auto is one worker per visible GPU, each pinned to its own device; no device is given twice", () => {
    const ids = ["3", "4", "6"];
    const resources = planResources("auto", "auto", 1, ids);
    expect(resources).toMatchObject({ workers: 3, device: "cuda", gpus: 3 });
    const given = Array.from({ length: resources.workers }, (_, slot) => gpusOfSlot(slot, 1, ids));
    expect(given).toEqual(["3", "4", "6"]);
    // processes: 2 → one worker per pair, disjoint pairs.
    expect(Array.from({ length: planResources("auto", "auto", 2, ["0", "1", "2", "3"]).workers }, (_, slot) => gpusOfSlot(slot, 2, ["0", "1", "2", "3"]))).toEqual(["0,1", "2,3"]);
  });

  it("more workers than GPUs is refused, naming scheduler.workers: two workers never share a GPU", () => {
    expect(() => planResources(3, "auto", 1, ["0", "1"])).toThrow(/scheduler\.workers: 3 worker\(s\) × 1 process\(es\) need 3 GPUs, 2 visible/);
  });
});

describe("the endpoint pilots connect to", () => {
  it("is the bound port at the address the compute nodes reach this machine by", () => {
    expect(advertisedEndpoint("tcp://0.0.0.0:41234", "login1.cluster")).toBe("tcp://login1.cluster:41234");
    expect(advertisedEndpoint("tcp://0.0.0.0:41234", "fe80::1")).toBe("tcp://[fe80::1]:41234");
  });
});
