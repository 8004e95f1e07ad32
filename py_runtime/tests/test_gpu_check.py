"""bench/gpu_check.py in its CPU dry mode: every measurement path runs, with the imports the
GPU machine has (no pyzmq, no jsonschema), and the figures land in its JSON. It is also the
test of a 2-rank (gloo) run that checkpoints through Accelerate's state and resumes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_gpu_check_dry_run_measures_every_path_without_pyzmq_or_jsonschema(tmp_path: Path) -> None:
    # Packages that fail on import stand in for their absence on the GPU machine; through
    # PYTHONPATH they reach the two ranks that accelerate launch starts as well.
    blocked = tmp_path / "blocked"
    for name in ("zmq", "jsonschema"):
        (blocked / name).mkdir(parents=True)
        (blocked / name / "__init__.py").write_text(f"raise ImportError('{name} is not installed on the GPU machine')\n")
    env = {**os.environ, "PYTHONPATH": str(blocked), "OMP_NUM_THREADS": "1"}
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "bench/gpu_check.py", "--dry", "--out", str(out)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads((out / "gpu_check.json").read_text())
    measurements = report["measurements"]
    failed = {name: m.get("traceback") or m.get("error") for name, m in measurements.items() if not m["ok"]}
    assert not failed, failed
    assert set(measurements) == {"bare", "loop", "bare+item", "loop+compile", "loop 2 ranks"}
    assert all(m["tokens_per_s"] > 0 and m["mfu_6n"] > 0 for m in measurements.values())
    assert measurements["loop"]["engine"]["compiled"] is False
    assert measurements["loop+compile"]["engine"]["compiled"] is True
    assert measurements["loop 2 ranks"]["engine"]["distributed"] == "ddp"
    # The two ranks also checkpointed a cancelled run through Accelerate's state and resumed it
    # to the uninterrupted run's loss.
    check = measurements["loop 2 ranks"]["resume_check"]
    assert check["ok"] and check["cancelled"]["status"] == "cancelled" and check["resumed"]["resumed_from_step"] > 0
    assert report["peak_tflops"] == 989.0 and report["model"]["flops_per_token_measured"] > 0
    assert "MFU" in run.stdout and "loop+compile" in run.stdout  # the readable table
