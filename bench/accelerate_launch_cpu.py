"""What Accelerate's launcher does on a CPU-only machine: how many processes each way of
asking for 2 starts, and what becomes of FSDP.

    .venv/bin/python bench/accelerate_launch_cpu.py

Each case launches this file again (`--probe`) as the training script; every process that
starts prepares a small model with `Accelerator(cpu=True)` and reports its rank, the world
size, Accelerate's distributed type and the wrapper the model got. The table is the basis of
the launch choices in src/scheduler/accelerate-launch.ts (docs/training.md, "Multi-process
runs").
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CASES = {
    "--cpu --num_processes 2": ["--cpu", "--num_processes", "2"],
    "--multi_gpu --num_processes 2": ["--multi_gpu", "--num_processes", "2"],
    "--use_fsdp --num_processes 2 (FSDP1)": ["--use_fsdp", "--num_processes", "2"],
    "--use_fsdp --fsdp_version 2 --num_processes 2": ["--use_fsdp", "--fsdp_version", "2", "--num_processes", "2"],
}


def probe(report_dir: str) -> None:
    import torch
    from accelerate import Accelerator

    accelerator = Accelerator(cpu=True)
    model, _ = accelerator.prepare(torch.nn.Linear(4, 4), torch.optim.SGD(torch.nn.Linear(4, 4).parameters()))
    figures = {"rank": accelerator.process_index, "world": accelerator.num_processes,
               "type": str(accelerator.distributed_type.value), "model": type(model).__name__}
    Path(report_dir, f"{os.getpid()}.json").write_text(json.dumps(figures))


def main() -> int:
    print(f"{'accelerate launch ...':<48} {'processes':>9}  what they formed", flush=True)
    for name, flags in CASES.items():
        with tempfile.TemporaryDirectory() as report_dir:
            run = subprocess.run([sys.executable, "-m", "accelerate.commands.launch", *flags, "--num_machines", "1",
                                  "--main_process_port", "0", "--mixed_precision", "no", "--dynamo_backend", "no",
                                  __file__, "--probe", report_dir],
                                 capture_output=True, text=True, timeout=300)
            reports = [json.loads(p.read_text()) for p in sorted(Path(report_dir).glob("*.json"))]
        if reports:
            kinds = sorted({f"{r['type']} (world {r['world']}, model {r['model']})" for r in reports})
            what = "; ".join(kinds)
        else:
            errors = [line for line in run.stderr.splitlines() if "Error:" in line]
            what = f"failed: {errors[0].strip() if errors else 'exit ' + str(run.returncode)}"
        print(f"{name:<48} {len(reports):>9}  {what}", flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--probe":
        probe(sys.argv[2])
        sys.exit(0)
    sys.exit(main())
