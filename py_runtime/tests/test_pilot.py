"""What a pilot says about where it runs, and how it stops before a SLURM time limit."""
from __future__ import annotations

import pytest

from flops_fit_worker.channel import Channel
from flops_fit_worker.worker import hello, slurm_job_id


def test_slurm_job_id_names_the_array_element_or_the_job_or_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURM_JOB_ID"):
        monkeypatch.delenv(name, raising=False)
    assert slurm_job_id() is None
    monkeypatch.setenv("SLURM_JOB_ID", "41")
    assert slurm_job_id() == "41"
    monkeypatch.setenv("SLURM_ARRAY_JOB_ID", "40")
    monkeypatch.setenv("SLURM_ARRAY_TASK_ID", "1")
    assert slurm_job_id() == "40_1"


def test_hello_says_host_slurm_job_and_visible_gpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    monkeypatch.setenv("SLURM_JOB_ID", "7")
    monkeypatch.delenv("SLURM_ARRAY_JOB_ID", raising=False)
    message = hello("w0", 1)
    assert message["host"]
    assert message.get("slurm_job_id") == "7"
    assert message.get("cuda_visible_devices") == "1"


def test_drain_stops_the_running_task_and_takes_no_more() -> None:
    channel = Channel("tcp://127.0.0.1:9", "w0", 1.0, 30.0, watch_stdin=False)
    assert not channel.is_cancelled("t#1")
    channel.drain()
    assert channel.is_cancelled("t#1")
    assert channel.tasks.get_nowait() is None
