"""Task handlers: `probe` (parameter counts and FLOPs per token at many sizes) and `train`.

A handler returns the result message; an exception it raises becomes a `task_error`
message (the worker lives on). Failures *of a run* (divergence, OOM, an exception in the
model) are results with a status, produced by the training loop itself.
"""
from __future__ import annotations

from . import mock
from .context import RunContext
from .messages import ProbeResult, ProbeSize, ProbeTask, TrainResult, TrainTask, UnbuildableSize, probe_result
from .models import build_data, build_loss, build_model
from .data_utils import train_tokens
from .params import count_parameters
from .preflight import check_target_alignment
from .targets import TargetError, extend_sys_path


def run_probe(task: ProbeTask) -> ProbeResult:
    """Parameter counts at every size; with `measure_flops`, one real training step per size.

    A size whose model does not build (heads that do not divide the width, say) is reported
    in `unbuildable`, not raised: the planner leaves it out and says so. With
    `measure_flops` each size also takes one forward/backward step (its FLOPs counted by
    torch); a step that fails is the size's `flops_error`, which stops the plan; and the
    targets' alignment is checked once (preflight.py), raising TargetMisalignment.
    """
    extend_sys_path(task["sys_path"])
    data = build_data(task["data"], seed=0)
    loss_fn = build_loss(task["loss"])
    tokens_per_sample = int(data.tokens_per_sample)
    sizes: list[ProbeSize] = []
    unbuildable: list[UnbuildableSize] = []
    aligned = False
    for size_value in task["size_values"]:
        try:
            model = build_model(task["model"], size_value, data)
        except TargetError:
            raise
        except Exception as exc:  # noqa: BLE001 — a size the model family cannot take
            unbuildable.append({"size_value": size_value, "error": f"{type(exc).__name__}: {exc}"})
            continue
        counts = count_parameters(model)
        flops_per_token: float | None = None
        flops_error: str | None = None
        if task["measure_flops"]:
            from .flops import measure_flops_per_token

            try:
                flops_per_token = measure_flops_per_token(model, data, loss_fn)
            except Exception as exc:  # noqa: BLE001 — reported per size; the planner stops on it
                flops_error = f"{type(exc).__name__}: {exc}"
            if flops_error is None and not aligned:
                check_target_alignment(model, data, loss_fn)  # once: a property of data, loss and model family
                aligned = True
        sizes.append({
            "size_value": size_value,
            "n_params": counts.total,
            "n_params_embedding": counts.embedding,
            "n_params_non_embedding": counts.non_embedding,
            "flops_per_token": flops_per_token,
            "flops_error": flops_error,
        })
        del model
    return probe_result(task, sizes=sizes, tokens_per_sample=tokens_per_sample, train_tokens=train_tokens(data),
                        unbuildable=unbuildable)


def run_train(task: TrainTask, ctx: RunContext) -> TrainResult:
    """A train task: simulated on the --mock surface (mock.py), else trained (training.py); both follow the run's plan (run_plan.py)."""
    if task["mock"] is not None:
        return mock.run(task, ctx)
    from .training import train  # imported lazily: the mock path needs no optimiser

    return train(task, ctx)
