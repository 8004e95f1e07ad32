"""glibc malloc set up for training (allocator.py): applied on Linux/glibc, left alone when
the allocator was chosen from outside."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

PROBE = "from flops_fit_worker.allocator import tune_malloc; print(tune_malloc(), tune_malloc())"


def probe(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "LD_PRELOAD")}
    run = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT / "py_runtime", env={**clean, **env},
                         capture_output=True, text=True, check=True)
    return run.stdout.strip()


def on_glibc() -> bool:
    try:
        return sys.platform.startswith("linux") and str(os.confstr("CS_GNU_LIBC_VERSION")).startswith("glibc")
    except (ValueError, OSError):
        return False


@pytest.mark.skipif(not on_glibc(), reason="glibc only")
def test_tune_malloc_applies_once_on_glibc_and_leaves_an_allocator_chosen_from_outside_alone() -> None:
    assert probe() == "True True"
    assert probe(MALLOC_TRIM_THRESHOLD_="1048576") == "False False"
