"""The training engine of one run: a Hugging Face Accelerate `Accelerator`, set up per run.

    settings = EngineSettings.from_task(task["training"], device, world_size)
    accelerator = make_accelerator(settings, device)
    model, optimizer = accelerator.prepare(model, optimizer)

Accelerate owns everything that depends on the hardware, so plugin models stay plain
`nn.Module`s and the loop (training.py) reads the same on one CPU core and on eight GPUs:

- **mixed precision** from `training.mixed_precision`: `auto` is bf16 on a GPU that has it
  (no loss scaling: bf16 has fp32's exponent range) and fp32 on CPU; `no`, `bf16`, `fp16`
  force one (fp16 brings Accelerate's loss scaler, which reads its overflow flag every step);
- **the distributed backend** (DDP, FSDP) from the Accelerate config the worker group was
  launched with (`scheduler.accelerate_config`), not from code: `accelerate launch` turns
  that file into environment variables that `Accelerator()` reads;
- **torch.compile** when `training.compile` is true (Accelerate's dynamo plugin, inductor);
- **gradient accumulation**: the planned batch is split into equal micro-batches of at most
  `training.micro_batch_size` samples per rank (`auto`: the whole per-rank batch, halved on
  out-of-memory before the run's first update; see `accumulation_steps`).

A worker is persistent and every run may ask for other settings, while Accelerate keeps
its state in process-wide singletons; `make_accelerator` therefore resets Accelerate's
per-run state before each run (the process group, once made, is kept).
"""
from __future__ import annotations

import functools
import os
from dataclasses import asdict, dataclass
from typing import Any, Callable


import torch
from torch import nn

from .messages import TrainEngine, TrainingHyper

MIXED_PRECISIONS = ("auto", "no", "bf16", "fp16")


@dataclass(frozen=True)
class EngineSettings:
    mixed_precision: str            # resolved: "no", "bf16" or "fp16"
    compile: bool                   # torch.compile (inductor) through Accelerate
    micro_batch_size: int | None    # most samples per forward pass per rank; None = auto
    grad_accum_steps: int           # micro-batches per optimiser step (per rank)

    @classmethod
    def from_task(cls, training: TrainingHyper, device: torch.device, per_rank_batch: int) -> EngineSettings:
        requested = str(training.get("mixed_precision") or "auto")
        if requested not in MIXED_PRECISIONS:
            raise ValueError(f"training.mixed_precision {requested!r} is not one of {', '.join(MIXED_PRECISIONS)}")
        micro = training.get("micro_batch_size")
        micro = None if micro in (None, "auto") else int(micro)
        return cls(mixed_precision=resolve_mixed_precision(requested, device), compile=bool(training.get("compile", False)),
                   micro_batch_size=micro, grad_accum_steps=accumulation_steps(per_rank_batch, micro))

    def with_accumulation(self, grad_accum_steps: int) -> EngineSettings:
        return EngineSettings(self.mixed_precision, self.compile, self.micro_batch_size, grad_accum_steps)


def resolve_mixed_precision(requested: str, device: torch.device) -> str:
    """`auto` → bf16 on a CUDA device that supports it, else fp32 ("no")."""
    if requested != "auto":
        return requested
    if device.type == "cuda" and torch.cuda.is_bf16_supported():
        return "bf16"
    return "no"


def accumulation_steps(per_rank_batch: int, micro_batch_size: int | None) -> int:
    """Micro-batches per optimiser step: the fewest equal parts of `per_rank_batch` samples
    with at most `micro_batch_size` samples each (1 when unlimited).

    Equal parts keep every sample's weight in the step's mean loss exactly as in the
    un-split batch, so the planned batch and token budget are unchanged; a batch of 12 with
    micro_batch_size 5 is split into 3 parts of 4, not 5+5+2.
    """
    if micro_batch_size is None or micro_batch_size >= per_rank_batch:
        return 1
    if micro_batch_size < 1:
        raise ValueError(f"training.micro_batch_size {micro_batch_size} must be at least 1")
    parts = -(-per_rank_batch // micro_batch_size)  # ceil
    while per_rank_batch % parts:
        parts += 1
    return parts


def compile_backend() -> str:
    """torch.compile's backend for `training.compile`: inductor, unless the environment
    variable FLOPS_FIT_COMPILE_BACKEND names another (the CPU tests use `eager`, which runs the
    same dynamo path in seconds instead of minutes of C++ compilation)."""
    return os.environ.get("FLOPS_FIT_COMPILE_BACKEND", "inductor")


def _cache_optional_package_probe() -> None:
    """Accelerate 1.15's optimizer wrapper asks on every step, twice, whether the optional
    `lomo_optim` package is installed: an importlib search of sys.path, ≈0.2 ms a call
    (measured here), 0.4 ms of host time per step, which a GPU step of a few ms cannot hide.
    The answer cannot change while the worker runs, so it is asked once."""
    import accelerate.optimizer

    probe = accelerate.optimizer.is_lomo_available
    if not hasattr(probe, "cache_info"):
        accelerate.optimizer.is_lomo_available = functools.lru_cache(maxsize=None)(probe)  # type: ignore[attr-defined]


def make_accelerator(settings: EngineSettings, device: torch.device, world_size: int) -> Any:
    """A fresh Accelerator for one run, on `device`, with this run's settings."""
    from accelerate import Accelerator
    from accelerate.state import AcceleratorState, GradientState
    from accelerate.utils import TorchDynamoPlugin

    _cache_optional_package_probe()

    # Accelerate's run state (precision, compile, FSDP plugin) is a process-wide singleton
    # that refuses a second Accelerator with other settings; each run starts it afresh. A
    # single process may also move between CPU and GPU runs, so it resets the device state
    # too; a process group (world_size > 1) keeps its state, made once at launch.
    AcceleratorState._reset_state(reset_partial_state=world_size == 1)
    GradientState._reset_state()
    dynamo = TorchDynamoPlugin(backend=compile_backend() if settings.compile else "no")
    return Accelerator(cpu=device.type == "cpu", mixed_precision=settings.mixed_precision, dynamo_plugin=dynamo,
                       gradient_accumulation_steps=settings.grad_accum_steps, step_scheduler_with_optimizer=False)


def is_sharded(accelerator: Any) -> bool:
    """Whether the model's weights are split over the ranks (FSDP), not replicated (DDP)."""
    return str(getattr(accelerator.distributed_type, "value", accelerator.distributed_type)) == "FSDP"


def distributed_kind(accelerator: Any) -> str:
    """How the model is spread over ranks: "fsdp" (sharded, even over one rank), "ddp"
    (replicated), "none" (one plain process), or Accelerate's own name for anything else."""
    kind = str(getattr(accelerator.distributed_type, "value", accelerator.distributed_type)).lower()
    if kind == "fsdp":
        return "fsdp"
    if accelerator.num_processes == 1:
        return "none"
    return "ddp" if kind.startswith("multi_") else kind


def prepare(accelerator: Any, model: nn.Module, make_optimizer: Callable[[nn.Module], Any]) -> tuple[Any, Any]:
    """`accelerator.prepare` the model and an optimiser over its parameters.

    FSDP2 (and DDP) take both together, Accelerate moving the optimiser onto the sharded
    parameters. FSDP1 replaces the parameters when it wraps the model, so the optimiser is made
    afterwards, over the wrapped model; its flat parameters would lose the weight-decay groups
    (matrices vs gains), hence `fsdp_use_orig_params: true` is required there.
    """
    if is_sharded(accelerator) and not accelerator.is_fsdp2:
        if not accelerator.state.fsdp_plugin.use_orig_params:
            raise ValueError("FSDP1 needs fsdp_use_orig_params: true in the Accelerate config (flat parameters lose "
                             "AdamW's weight-decay groups); or use fsdp_version: 2")
        model = accelerator.prepare(model)
        return model, accelerator.prepare(make_optimizer(model))
    prepared_model, optimizer = accelerator.prepare(model, make_optimizer(model))
    return prepared_model, optimizer


def describe(settings: EngineSettings, accelerator: Any | None, per_rank_batch: int) -> TrainEngine:
    """The `engine` field of a TrainResult: how this run was actually executed."""
    described: Any = asdict(settings)
    described["compiled"] = described.pop("compile")
    described["micro_batch_size"] = per_rank_batch // settings.grad_accum_steps
    described["distributed"] = distributed_kind(accelerator) if accelerator is not None else "none"
    return described
