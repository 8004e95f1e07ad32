import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, PROJECT_ROOT } from "../../src/config/load.js";
import { UserError } from "../../src/errors/user-error.js";
import { accelerateSetup, workerCommand } from "../../src/scheduler/accelerate-launch.js";
import { gpusOfSlot } from "../../src/scheduler/resources.js";

const dir = mkdtempSync(join(tmpdir(), "ff-accel-"));
function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
function sweepWith(scheduler: string[]) {
  return loadConfig(write(`s${Math.random().toString(36).slice(2)}.yaml`, ["planning:", "  budgets: [1e12]", "scheduler:", ...scheduler].join("\n")));
}
function refusal(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error("expected a UserError");
}

describe("workerCommand", () => {
  it("starts one process as the plain worker module", () => {
    expect(workerCommand(1, ["--worker-id", "w0"])).toEqual(["-m", "flops_fit_worker", "--worker-id", "w0"]);
  });

  it("starts K ranks with accelerate launch (--multi_gpu: K torch.distributed processes, on a free port)", () => {
    const command = workerCommand(2, ["--worker-id", "w0"]);
    expect(command.slice(0, 3)).toEqual(["-m", "accelerate.commands.launch", "--multi_gpu"]);
    expect(command.join(" ")).toContain("--num_processes 2 --num_machines 1 --main_process_port 0");
    expect(command).not.toContain("--cpu"); // one process only with accelerate 1.15 (docs/training.md)
    expect(command.slice(-4)).toEqual(["--module", "flops_fit_worker.distributed", "--worker-id", "w0"]);
  });

  it("passes the user's Accelerate config file, and FSDP as --use_fsdp so --multi_gpu does not override it", () => {
    const command = workerCommand(4, [], { configFile: "/x/fsdp.yaml", backend: "fsdp" });
    expect(command.slice(2, 5)).toEqual(["--config_file", "/x/fsdp.yaml", "--use_fsdp"]);
    expect(command).not.toContain("--multi_gpu");
  });
});

describe("accelerateSetup (scheduler.accelerate_config)", () => {
  it("is DDP without a file", () => {
    expect(accelerateSetup(sweepWith(["  processes: 2"]), "cpu")).toEqual({ backend: "ddp" });
  });

  it("reads the backend from the file, resolved against the config's folder", () => {
    write("ddp.yaml", "distributed_type: MULTI_GPU\nnum_processes: 2\n");
    write("fsdp.yaml", "distributed_type: FSDP\nfsdp_config:\n  fsdp_version: 2\n");
    expect(accelerateSetup(sweepWith(["  processes: 2", "  accelerate_config: ddp.yaml"]), "cpu")).toEqual({ configFile: join(dir, "ddp.yaml"), backend: "ddp" });
    expect(accelerateSetup(sweepWith(["  processes: 2", "  accelerate_config: fsdp.yaml"]), "cuda").backend).toBe("fsdp");
  });

  it("accepts the FSDP example shipped in configs/accelerate on GPUs", () => {
    const example = join(PROJECT_ROOT, "configs", "accelerate", "fsdp.yaml");
    expect(accelerateSetup(sweepWith(["  processes: 2", `  accelerate_config: ${example}`]), "cuda")).toEqual({ configFile: example, backend: "fsdp" });
  });

  it("refuses FSDP on CPU, naming the config line and the reason", () => {
    write("fsdp-cpu.yaml", "distributed_type: FSDP\n");
    const loaded = sweepWith(["  processes: 2", "  accelerate_config: fsdp-cpu.yaml"]);
    const error = refusal(() => accelerateSetup(loaded, "cpu"));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain("FSDP, which Accelerate runs on GPUs only");
    expect(error.where).toMatchObject({ file: loaded.file, field: "scheduler.accelerate_config", line: 5 });
  });

  it("refuses a missing file, an unsupported backend and a single-process sweep", () => {
    expect(refusal(() => accelerateSetup(sweepWith(["  processes: 2", "  accelerate_config: nope.yaml"]), "cpu")).message).toContain("does not exist");
    write("ds.yaml", "distributed_type: DEEPSPEED\n");
    expect(refusal(() => accelerateSetup(sweepWith(["  processes: 2", "  accelerate_config: ds.yaml"]), "cuda")).message).toContain("DEEPSPEED");
    write("list.yaml", "- a\n- b\n");
    expect(refusal(() => accelerateSetup(sweepWith(["  processes: 2", "  accelerate_config: list.yaml"]), "cuda")).message).toContain("must be a mapping");
    expect(refusal(() => accelerateSetup(sweepWith(["  accelerate_config: ddp.yaml"]), "cuda")).message).toContain("scheduler.processes to 2 or more");
  });
});

describe("gpusOfSlot", () => {
  it("gives each K-rank worker its own block of K GPUs", () => {
    expect(gpusOfSlot(0, 1)).toBe("0");
    expect(gpusOfSlot(3, 1)).toBe("3");
    expect(gpusOfSlot(1, 2)).toBe("2,3");
  });
});
