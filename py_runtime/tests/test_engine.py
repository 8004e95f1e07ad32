"""The Accelerate engine of a run: gradient accumulation, the split on out-of-memory,
torch.compile and mixed precision, each recorded in the result's `engine`."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from conftest import Recorder, make_task

from flops_fit_worker.engine import EngineSettings, accumulation_steps, resolve_mixed_precision
from flops_fit_worker.protocol import check_outgoing
from flops_fit_worker.training import train

MEMORY_BOUND = {"target": "conftest:MemoryBoundGPT", "options": {"n_layers": 1, "n_heads": 2, "max_rows": 2}}


def run(task: dict) -> dict:
    result = train(task, Recorder(task).ctx)
    check_outgoing(result)
    return result


@pytest.mark.parametrize("batch, micro, parts", [(8, None, 1), (8, 8, 1), (8, 64, 1), (8, 4, 2), (8, 3, 4),
                                                 (12, 5, 3), (7, 2, 7), (8, 1, 8)])
def test_accumulation_steps_cuts_the_batch_into_the_fewest_equal_parts_that_fit(batch: int, micro: int | None,
                                                                                parts: int) -> None:
    assert accumulation_steps(batch, micro) == parts
    assert batch % parts == 0 and (micro is None or batch // parts <= micro)


def test_mixed_precision_auto_is_fp32_on_cpu_and_explicit_choices_are_kept() -> None:
    cpu = torch.device("cpu")
    assert resolve_mixed_precision("auto", cpu) == "no"
    assert resolve_mixed_precision("bf16", cpu) == "bf16" and resolve_mixed_precision("no", cpu) == "no"
    with pytest.raises(ValueError, match="training.mixed_precision 'fp8' is not one of"):
        EngineSettings.from_task({"mixed_precision": "fp8"}, cpu, 8)


def test_gradient_accumulation_trains_the_planned_tokens_and_matches_the_unsplit_batch(corpus_file: Path) -> None:
    whole = run(make_task(corpus_file, n_tokens=2000))
    split = run(make_task(corpus_file, n_tokens=2000, training={"micro_batch_size": 3}))  # 8 → 4 × 2
    assert whole["status"] == split["status"] == "completed"
    assert split["engine"] == {"mixed_precision": "no", "compiled": False, "micro_batch_size": 2,
                               "grad_accum_steps": 4, "distributed": "none"}
    assert whole["engine"]["grad_accum_steps"] == 1 and whole["engine"]["micro_batch_size"] == 8
    # The same optimiser steps over the same global batches: exactly the planned tokens.
    assert split["steps"] == whole["steps"] == 16 and split["n_tokens"] == whole["n_tokens"] == 16 * 8 * 16
    assert split["tokens_per_step"] == whole["tokens_per_step"] == 8 * 16
    # The mean of 4 micro-batch means is the batch mean up to float rounding (another
    # summation order): measured ≤ 1e-7 relative after 16 AdamW steps.
    assert split["loss"] == pytest.approx(whole["loss"], rel=1e-5)
    for a, b in zip(split["curve"], whole["curve"]):
        assert a["train_loss"] == pytest.approx(b["train_loss"], rel=1e-5)


def test_a_batch_that_runs_out_of_memory_is_split_until_it_fits_and_trains_the_same_run(corpus_file: Path) -> None:
    auto = run(make_task(corpus_file, model=MEMORY_BOUND))
    planned = run(make_task(corpus_file, model=MEMORY_BOUND, training={"micro_batch_size": 2}))
    assert auto["status"] == "completed", auto["error"]
    assert auto["engine"]["micro_batch_size"] == 2 and auto["engine"]["grad_accum_steps"] == 4  # 8 → 4 → 2
    assert auto["steps"] == planned["steps"] and auto["n_tokens"] == planned["n_tokens"]
    assert auto["loss"] == pytest.approx(planned["loss"], rel=1e-6)


def test_an_explicit_micro_batch_that_runs_out_of_memory_is_an_oom_run(corpus_file: Path) -> None:
    result = run(make_task(corpus_file, model=MEMORY_BOUND, training={"micro_batch_size": 4}))
    assert result["status"] == "oom" and "does not fit" in result["error"] and result["steps"] == 0


def test_compile_is_applied_through_accelerate_and_recorded(corpus_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOPS_FIT_COMPILE_BACKEND", "eager")  # dynamo's path without minutes of C++ builds
    plain = run(make_task(corpus_file))
    compiled = run(make_task(corpus_file, training={"compile": True}))
    assert compiled["status"] == "completed" and compiled["engine"]["compiled"] is True
    assert plain["engine"]["compiled"] is False
    assert compiled["loss"] == pytest.approx(plain["loss"], rel=1e-5)


def test_bf16_mixed_precision_on_request_runs_under_accelerates_autocast(corpus_file: Path) -> None:
    fp32 = run(make_task(corpus_file))
    bf16 = run(make_task(corpus_file, training={"mixed_precision": "bf16"}))
    assert bf16["status"] == "completed" and bf16["engine"]["mixed_precision"] == "bf16"
    assert bf16["loss"] != fp32["loss"]                             # the matmuls really ran in bf16
    assert bf16["loss"] == pytest.approx(fp32["loss"], rel=0.02)    # and trained the same model
    assert math.isfinite(bf16["train_loss"])


def test_the_optimizer_step_no_longer_searches_sys_path_for_an_optional_package() -> None:
    import accelerate.optimizer

    from flops_fit_worker.engine import make_accelerator

    make_accelerator(EngineSettings("no", False, None, 1), torch.device("cpu"), world_size=1)
    probe = accelerate.optimizer.is_lomo_available
    assert probe() == probe() and probe.cache_info().hits >= 1  # type: ignore[attr-defined]


def test_fsdp1_without_original_parameters_is_refused_before_it_loses_the_weight_decay_groups() -> None:
    # A stand-in for an FSDP1 Accelerator (Accelerate runs FSDP on GPUs only): the refusal
    # comes before anything is wrapped.
    from types import SimpleNamespace

    from flops_fit_worker.engine import prepare

    fsdp1 = SimpleNamespace(distributed_type=SimpleNamespace(value="FSDP"), is_fsdp2=False,
                            state=SimpleNamespace(fsdp_plugin=SimpleNamespace(use_orig_params=False)))
    with pytest.raises(ValueError, match="fsdp_use_orig_params: true"):
        prepare(fsdp1, torch.nn.Linear(2, 2), lambda model: None)
