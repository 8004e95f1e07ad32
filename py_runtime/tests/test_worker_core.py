"""The worker's own pieces: protocol validation, target resolution, parameter counting,
the mock surface, and task execution turning exceptions into task errors."""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

from flops_fit_worker import mock
from flops_fit_worker.params import count_parameters
from flops_fit_worker.protocol import ProtocolError, check_outgoing, parse_incoming, protocol_version
from flops_fit_worker.targets import TargetError, resolve
from flops_fit_worker.worker import execute, hello

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = str(ROOT / "test" / "fixtures" / "tiny_plugin")
SURFACE = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28, "noise": 0.0, "delay_s": 0.0}


class FakeChannel:
    """Collects what a task sends; never cancelled."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.worker_id = "w-test"

    def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    def is_cancelled(self, task_id: str) -> bool:
        return False


def train_task(**overrides: Any) -> dict[str, Any]:
    task: dict[str, Any] = {
        "type": "task", "kind": "train", "task_id": "e1#1", "experiment_id": "e1", "attempt": 1, "seed": 0,
        "model": {"target": "tiny:TinyMLP", "size_param": "width", "options": {}}, "size_value": 8,
        "data": {"target": "tiny:Regression", "options": {}}, "loss": {"target": "tiny:mse"},
        "n_tokens": 1000, "budget_flops": 1e7,
        "training": {"batch_size": 32, "lr": 1e-3, "warmup_fraction": 0.05, "min_lr_fraction": 0.1, "weight_decay": 0.1,
                     "beta1": 0.9, "beta2": 0.95, "grad_clip": 1.0, "eval_tokens": 256, "threads": 1,
                     "checkpoint_interval_s": 300.0},
        "mock": SURFACE, "device": "cpu", "sys_path": [FIXTURE], "progress_interval_s": 0.1, "checkpoint_dir": None,
    }
    task.update(overrides)
    return task


def test_incoming_messages_are_validated_against_the_exported_schema() -> None:
    assert parse_incoming(json.dumps({"type": "heartbeat"}).encode()) == {"type": "heartbeat"}
    with pytest.raises(ProtocolError, match="ToWorker"):
        parse_incoming(json.dumps({"type": "task", "kind": "train", "task_id": "x"}).encode())
    with pytest.raises(ProtocolError, match="not JSON"):
        parse_incoming(b"{nope")


def test_hello_carries_the_protocol_version_and_is_valid() -> None:
    message = hello("w0", 1)
    assert message["protocol_version"] == protocol_version() == 2
    check_outgoing(message)


def test_resolve_names_the_missing_module_or_attribute() -> None:
    assert resolve("math:sqrt") is math.sqrt
    with pytest.raises(TargetError, match='no module named "no"'):
        resolve("no.such.module:Thing")
    with pytest.raises(TargetError, match='has no attribute "nope"'):
        resolve("math:nope")
    with pytest.raises(TargetError, match="must look like"):
        resolve("math.sqrt")


def test_a_module_that_calls_sys_exit_at_import_is_an_import_error_naming_it_and_the_worker_lives(tmp_path: Path) -> None:
    (tmp_path / "exits_at_import.py").write_text("import sys\nsys.exit(3)\n")
    sys.path.insert(0, str(tmp_path))
    try:
        with pytest.raises(TargetError, match=r'importing module "exits_at_import" for target "exits_at_import:Net" called sys.exit\(3\)'):
            resolve("exits_at_import:Net")
        channel = FakeChannel()
        answer = execute(train_task(model={"target": "exits_at_import:Net", "size_param": "width", "options": {}}), channel)  # type: ignore[arg-type]
        assert answer["type"] == "task_error" and answer["code"] == "import_error" and "exits_at_import" in answer["message"]
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("exits_at_import", None)


def test_count_parameters_splits_embeddings_and_counts_tied_weights_once() -> None:
    class Tiny(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.wte = nn.Embedding(10, 4)
            self.pos_emb = nn.Parameter(torch.zeros(3, 4))
            self.body = nn.Linear(4, 4)
            self.head = nn.Linear(4, 10, bias=False)
            self.head.weight = self.wte.weight  # tied

    counts = count_parameters(Tiny())
    assert counts.embedding == 40 + 12
    assert counts.total == 40 + 12 + 20
    assert counts.non_embedding == 20


def test_mock_surface_is_the_documented_chinchilla_form_and_seeded_per_experiment() -> None:
    n, d = 1e6, 2e7
    expected = 1.69 + 406.4 / n**0.34 + 410.7 / d**0.28
    assert mock.surface_loss(SURFACE, n, d) == pytest.approx(expected)
    noisy = dict(SURFACE, noise=0.01)
    assert mock.noisy_loss(noisy, n, d, "abc") == mock.noisy_loss(noisy, n, d, "abc")
    assert mock.noisy_loss(noisy, n, d, "abc") != mock.noisy_loss(noisy, n, d, "abd")


def test_mock_lr_optimum_multiplies_the_loss_by_one_plus_weight_times_squared_log_lr_ratio() -> None:
    n, d = 1e4, 1e6
    surface = dict(SURFACE, lr_optimum={"c": 1.0, "k": 0.5, "weight": 0.05})
    best = 1.0 * n**-0.5
    base = mock.surface_loss(SURFACE, n, d)
    assert mock.noisy_loss(surface, n, d, "x", best) == pytest.approx(base)
    assert mock.noisy_loss(surface, n, d, "x", 2 * best) == pytest.approx(base * (1 + 0.05 * math.log(2) ** 2))
    assert mock.noisy_loss(surface, n, d, "x", best / 2) == pytest.approx(mock.noisy_loss(surface, n, d, "x", 2 * best))
    # Without lr_optimum the learning rate does not matter.
    assert mock.noisy_loss(SURFACE, n, d, "x", 123.0) == pytest.approx(base)


def test_mock_train_counts_the_real_model_and_trains_whole_batches() -> None:
    sys.path.insert(0, FIXTURE)
    channel = FakeChannel()
    result = execute(train_task(), channel)  # type: ignore[arg-type]
    check_outgoing(result)
    assert result["status"] == "completed"
    assert result["n_params"] == 8 * 8 + 8 + 8 * 4 + 4
    assert result["n_tokens"] == 1024  # 32 steps of 32 samples: within one batch of the planned 1000
    assert result["loss"] == pytest.approx(mock.surface_loss(SURFACE, result["n_params"], 1024))
    assert any(m["type"] == "progress" for m in channel.sent)


def test_an_exception_in_a_task_becomes_a_task_error_and_the_worker_goes_on() -> None:
    channel = FakeChannel()
    answer = execute(train_task(model={"target": "tiny:TinyMLP", "size_param": "no_such_arg", "options": {}}), channel)  # type: ignore[arg-type]
    assert answer["type"] == "task_error"
    assert answer["code"] == "exception"
    assert "no_such_arg" in answer["message"]
    assert answer["traceback"]
    check_outgoing(answer)
    missing = execute(train_task(model={"target": "no.such:Model", "size_param": "width", "options": {}}), channel)  # type: ignore[arg-type]
    assert missing["code"] == "import_error"


def test_torchvision_patching_says_so_in_one_line_without_echoing_source() -> None:
    import subprocess
    code = "from flops_fit_worker.targets import resolve; resolve('json:loads')"  # not a worker module: the torchvision check runs
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(Path(__file__).resolve().parents[1]), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) <= 1  # nothing when torchvision imports cleanly; one note when it had to be patched
    assert not any("ensure_torchvision_importable()" in line or "Warning:" in line for line in lines)
