"""A damaged checkpoint heals instead of failing every attempt (checkpoint.py): a truncated
weights file, an unreadable or malformed run.json, or a load that fails is moved aside to
`checkpoint.discarded/`, named in the result, and the run starts from the previous good
checkpoint or from scratch — in the same attempt."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import Recorder, make_task

from flops_fit_worker import checkpoint
from flops_fit_worker.protocol import check_outgoing
from flops_fit_worker.training import train

FINGERPRINT = {"experiment_id": "e1"}


def run(task: dict[str, Any], cancel_after: int | None = None) -> dict[str, Any]:
    rec = Recorder(task, cancel_after)
    result = train(task, rec.ctx)  # type: ignore[arg-type]
    check_outgoing(result)
    return dict(result)


def saved(root: Path, name: str = "checkpoint", step: Any = 3, files: dict[str, bytes] | None = None) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "run.json").write_text(json.dumps({"fingerprint": FINGERPRINT, "step": step, "losses": [1.0] * 3, "curve": []}))
    for file, content in (files or {}).items():
        (folder / file).write_bytes(content)
    return folder


def safetensors_bytes(payload: int = 16) -> bytes:
    header = json.dumps({"w": {"dtype": "F32", "shape": [payload // 4], "data_offsets": [0, payload]}}).encode()
    return len(header).to_bytes(8, "little") + header + bytes(payload)


def read(root: Path, discarded: list[str]) -> Any:
    return checkpoint.read_state_in(str(root), FINGERPRINT, lambda step: 0 < step < 10, discarded)


def test_a_run_json_whose_step_is_not_a_number_is_moved_aside_and_named(tmp_path: Path) -> None:
    saved(tmp_path, step="abc")
    discarded: list[str] = []
    assert read(tmp_path, discarded) is None
    assert not (tmp_path / "checkpoint").exists() and (tmp_path / "checkpoint.discarded" / "run.json").exists()
    assert discarded == [f"{tmp_path / 'checkpoint'}: run.json has step \"abc\", not a number of steps; "
                         f"moved aside to {tmp_path / 'checkpoint.discarded'}"]


def test_a_truncated_weights_file_is_moved_aside_and_the_previous_good_checkpoint_serves(tmp_path: Path) -> None:
    whole = safetensors_bytes()
    saved(tmp_path, files={"model.safetensors": whole[:-5]})
    good = saved(tmp_path, "checkpoint.old", step=2, files={"model.safetensors": whole})
    discarded: list[str] = []
    found = read(tmp_path, discarded)
    assert found is not None and found[0] == str(good) and found[1]["step"] == 2
    assert len(discarded) == 1 and f"model.safetensors is truncated ({len(whole) - 5} bytes of {len(whole)})" in discarded[0]


@pytest.mark.parametrize("content, why", [(b"{not json", "run.json cannot be read"), (b"[1, 2]", "run.json is not a JSON object")])
def test_an_unreadable_run_json_is_discarded(tmp_path: Path, content: bytes, why: str) -> None:
    (tmp_path / "checkpoint").mkdir()
    (tmp_path / "checkpoint" / "run.json").write_bytes(content)
    discarded: list[str] = []
    assert read(tmp_path, discarded) is None and why in discarded[0]


def test_a_cut_torch_archive_is_discarded_but_a_whole_one_and_another_runs_checkpoint_are_kept(tmp_path: Path) -> None:
    import torch
    torch.save({"x": torch.zeros(4)}, tmp_path / "whole.bin")
    whole = (tmp_path / "whole.bin").read_bytes()
    saved(tmp_path / "a", files={"optimizer.bin": whole[: len(whole) // 2]})
    discarded: list[str] = []
    assert read(tmp_path / "a", discarded) is None and "optimizer.bin is truncated (its zip archive has no end)" in discarded[0]
    saved(tmp_path / "b", files={"optimizer.bin": whole})
    assert read(tmp_path / "b", []) is not None
    other = saved(tmp_path / "c")
    assert checkpoint.read_state_in(str(tmp_path / "c"), {"experiment_id": "other"}, lambda s: True, discarded) is None
    assert other.exists()  # another run's checkpoint is not damaged: left for that run


def test_a_run_resumes_from_scratch_in_the_same_attempt_when_its_checkpoint_is_truncated(corpus_file: Path, tmp_path: Path) -> None:
    ckpt = tmp_path / "ckpt"
    first = run(make_task(corpus_file, checkpoint_dir=str(ckpt)), cancel_after=6)
    assert first["status"] == "cancelled"
    weights = next((ckpt / "checkpoint").glob("*.safetensors"))
    os.truncate(weights, weights.stat().st_size // 2)
    again = run(make_task(corpus_file, checkpoint_dir=str(ckpt), attempt=2))
    assert again["status"] == "completed" and again["resumed_from_step"] is None
    assert len(again["discarded_checkpoints"]) == 1 and f"{weights.name} is truncated" in again["discarded_checkpoints"][0]
    assert (ckpt / "checkpoint.discarded").is_dir()


def test_a_checkpoint_that_fails_to_load_is_discarded_and_the_attempt_starts_over(corpus_file: Path, tmp_path: Path) -> None:
    ckpt = tmp_path / "ckpt"
    run(make_task(corpus_file, checkpoint_dir=str(ckpt)), cancel_after=6)
    # A weights file of the right size whose tensors are not the model's: passes the cheap checks, fails to load.
    weights = next((ckpt / "checkpoint").glob("*.safetensors"))
    weights.write_bytes(safetensors_bytes())
    again = run(make_task(corpus_file, checkpoint_dir=str(ckpt), attempt=2))
    assert again["status"] == "completed" and again["resumed_from_step"] is None
    assert "loading it failed" in again["discarded_checkpoints"][0]
