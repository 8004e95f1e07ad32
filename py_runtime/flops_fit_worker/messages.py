"""The messages the worker handles, typed: a Python view of the wire schema.

The schema is defined once, in TypeScript (src/protocol/messages.ts), and exported to
protocol.schema.json; protocol.py validates every incoming message against it. These
TypedDicts give the worker's code the same field names and types, and
tests/test_messages.py checks each against the exported schema (same fields, same
required ones), so a field added on one side and not the other fails a test. Every
message the worker sends is made by one builder below.
"""

import sys
from typing import Any, Literal, TypedDict

if sys.version_info >= (3, 11):
    from typing import NotRequired
else:  # pragma: no cover - Python 3.10
    from typing_extensions import NotRequired

# ---------------------------------------------------------------- orchestrator → worker


class ModelSpec(TypedDict):
    target: str
    size_param: str
    options: dict[str, Any]


class DataSpec(TypedDict):
    target: str
    options: dict[str, Any]


class LossSpec(TypedDict):
    target: str


class TrainingHyper(TypedDict):
    batch_size: int                 # samples per optimiser step, summed over ranks (the global batch)
    lr: float                       # peak learning rate, reached at the end of warmup
    warmup_fraction: float          # share of the run's steps spent warming up linearly from ~0
    min_lr_fraction: float          # cosine decay ends at min_lr_fraction · lr on the run's last step
    weight_decay: float             # AdamW decoupled decay, on matrices only (not biases, norms)
    beta1: float                    # AdamW first-moment decay
    beta2: float                    # AdamW second-moment decay
    grad_clip: float                # max global L2 norm of the gradient (training stability)
    eval_tokens: int                # held-out tokens scored at the end: the same tokens for every run
    threads: int                    # torch intra-op threads (CPU); one worker = one slice of the cores
    checkpoint_interval_s: float    # seconds between checkpoints, when the task has a checkpoint_dir
    mixed_precision: NotRequired[Literal["auto", "no", "bf16", "fp16"]]  # read by engine.EngineSettings
    micro_batch_size: NotRequired[int | None]                          # read by engine.EngineSettings
    compile: NotRequired[bool]                                         # read by engine.EngineSettings
    schedule: NotRequired[Literal["cosine", "wsd"]]  # the sweep's LR schedule; the task's `wsd` says the run's part
    cooldown_fraction: NotRequired[float]            # wsd: the cooldown's share of each point's steps


class LrOptimum(TypedDict):
    c: float
    k: float
    weight: float


class MockSurface(TypedDict):
    E: float
    A: float
    B: float
    alpha: float
    beta: float
    noise: float
    delay_s: float
    lr_optimum: NotRequired[LrOptimum]      # the mock's known learning-rate optimum (training.lr: calibrate)


class WandbSettings(TypedDict):
    project: str
    entity: str | None
    mode: Literal["online", "offline", "disabled"]
    group: str                      # the sweep's W&B group
    tags: list[str]
    dir: str                        # where W&B keeps its files (WANDB_DIR wins)
    run_id: str                     # the experiment's W&B run: every attempt resumes it
    init_timeout_s: float


class TrackingSettings(TypedDict):
    sweep: str                      # the sweep's name, shown with every run
    fingerprint: str                # the sweep definition's fingerprint
    stage: Literal["sweep", "lr_calibration"]  # runs fitted, or the learning-rate calibration's
    tensorboard_dir: str | None     # this run's event-file folder (RUN_DIR/tensorboard/<experiment_id>)
    wandb: WandbSettings | None


class ProbeTask(TypedDict):
    type: Literal["task"]
    kind: Literal["probe"]
    task_id: str
    model: ModelSpec
    data: DataSpec
    loss: LossSpec | None
    size_values: list[float]
    measure_flops: bool
    sys_path: list[str]


class WsdTask(TypedDict):
    """A trunk or branch run of a warmup-stable-decay sweep (training.py, docs/training.md)."""
    trunk_id: str
    role: Literal["trunk", "branch"]
    warmup_steps: int               # linear warmup steps, the same on the trunk and its branches
    branch_steps: list[int]         # trunk: where it saves branch checkpoints; branch: [its branch step]
    trunk_dir: str                  # the trunk's checkpoints: branch-<step>/ per branch point


class TrainTask(TypedDict):
    type: Literal["task"]
    kind: Literal["train"]
    task_id: str
    experiment_id: str
    attempt: int
    seed: int
    model: ModelSpec
    size_value: float
    data: DataSpec
    loss: LossSpec | None
    n_tokens: float                 # the planned token budget D
    budget_flops: float
    training: TrainingHyper
    mock: MockSurface | None        # set under --mock: the loss comes from this surface
    device: str
    sys_path: list[str]
    progress_interval_s: float
    checkpoint_dir: str | None
    tracking: NotRequired[TrackingSettings | None]  # trackers the run logs to (tracking.py)
    wsd: NotRequired[WsdTask | None]  # set on the trunk and branch runs of training.schedule: wsd


Task = ProbeTask | TrainTask

# ---------------------------------------------------------------- worker → orchestrator


class Hello(TypedDict):
    type: Literal["hello"]
    protocol_version: int
    worker_id: str
    pid: int
    python_version: str
    torch_version: str | None
    accelerate_version: str | None
    devices: list[str]
    world_size: int
    token: str | None
    host: NotRequired[str | None]
    slurm_job_id: NotRequired[str | None]
    cuda_visible_devices: NotRequired[str | None]


class Progress(TypedDict):
    type: Literal["progress"]
    task_id: str
    experiment_id: str
    attempt: int
    step: int
    total_steps: int
    tokens: float
    total_tokens: float
    train_loss: float | None
    tokens_per_s: float | None


class ProbeSize(TypedDict):
    size_value: float
    n_params: int
    n_params_embedding: int
    n_params_non_embedding: int
    flops_per_token: float | None
    flops_error: str | None


class UnbuildableSize(TypedDict):
    size_value: float
    error: str


class ProbeResult(TypedDict):
    type: Literal["result"]
    kind: Literal["probe"]
    task_id: str
    sizes: list[ProbeSize]
    tokens_per_sample: int
    train_tokens: NotRequired[float | None]
    unbuildable: NotRequired[list[UnbuildableSize]]


class CurvePoint(TypedDict):
    step: int
    tokens: float
    train_loss: float | None


class TrainEngine(TypedDict):
    mixed_precision: str
    compiled: bool
    micro_batch_size: int
    grad_accum_steps: int
    distributed: str


RunStatus = Literal["completed", "failed", "diverged", "oom", "cancelled"]


class TrainResult(TypedDict):
    type: Literal["result"]
    kind: Literal["train"]
    task_id: str
    experiment_id: str
    attempt: int
    status: RunStatus
    n_params: int
    n_params_embedding: int
    n_params_non_embedding: int
    n_tokens: float                 # tokens actually trained on
    steps: int
    tokens_per_step: int            # training.batch_size (samples) × the data's tokens per sample
    lr: float
    loss: float | None              # held-out, at the end (null unless completed)
    train_loss: float | None
    flops_6nd: float
    flops_measured: float | None
    tokens_per_s: float | None
    wall_s: float
    curve: list[CurvePoint]
    device: str
    world_size: int
    resumed_from_step: int | None
    engine: NotRequired[TrainEngine | None]
    error: str | None
    epochs: float | None
    tracking_warnings: NotRequired[list[str]]  # trackers that could not log this run (the run itself is fine)
    discarded_checkpoints: NotRequired[list[str]]  # damaged checkpoints moved aside before the run (re)started
    data_hints: NotRequired[dict[str, Any]]  # the data's model_hints() (vocab_size, seq_len, ...) of a trained run


TaskErrorCode = Literal["import_error", "bad_target", "misaligned_targets", "data_error", "exception"]


class TaskError(TypedDict):
    type: Literal["task_error"]
    task_id: str
    experiment_id: str | None
    attempt: int | None
    code: TaskErrorCode
    message: str
    traceback: str | None


class Goodbye(TypedDict):
    type: Literal["goodbye"]
    reason: str


class WorkerHeartbeat(TypedDict):
    type: Literal["heartbeat"]
    task_id: str | None


# ---------------------------------------------------------------- builders


def train_result(task: TrainTask, *, status: RunStatus, n_params: int, n_params_embedding: int, n_tokens: float,
                 steps: int, tokens_per_step: int, loss: float | None, train_loss: float | None,
                 flops_measured: float | None, tokens_per_s: float | None, wall_s: float, curve: list[CurvePoint],
                 device: str, world_size: int, resumed_from_step: int | None, engine: TrainEngine | None,
                 error: str | None, epochs: float | None) -> TrainResult:
    """The answer to a train task, however the run ended (flops_6nd = 6·N·D from the counts)."""
    return {
        "type": "result", "kind": "train", "task_id": task["task_id"],
        "experiment_id": task["experiment_id"], "attempt": task["attempt"], "status": status,
        "n_params": n_params, "n_params_embedding": n_params_embedding,
        "n_params_non_embedding": n_params - n_params_embedding,
        "n_tokens": float(n_tokens), "steps": steps, "tokens_per_step": tokens_per_step,
        "lr": task["training"]["lr"], "loss": loss, "train_loss": train_loss,
        "flops_6nd": 6.0 * n_params * n_tokens, "flops_measured": flops_measured,
        "tokens_per_s": tokens_per_s, "wall_s": wall_s, "curve": curve,
        "device": device, "world_size": world_size, "resumed_from_step": resumed_from_step,
        "engine": engine, "error": error, "epochs": epochs,
    }


def probe_result(task: ProbeTask, *, sizes: list[ProbeSize], tokens_per_sample: int, train_tokens: float | None,
                 unbuildable: list[UnbuildableSize]) -> ProbeResult:
    """The answer to a probe task: the counts (and FLOPs per token) at every size that built."""
    return {"type": "result", "kind": "probe", "task_id": task["task_id"], "sizes": sizes,
            "tokens_per_sample": tokens_per_sample, "train_tokens": train_tokens, "unbuildable": unbuildable}


def task_error(task: Task, code: TaskErrorCode, message: str, traceback: str | None) -> TaskError:
    """A task that could not run at all (the worker lives on)."""
    run = task if task["kind"] == "train" else None
    return {
        "type": "task_error", "task_id": task["task_id"], "experiment_id": run["experiment_id"] if run else None,
        "attempt": run["attempt"] if run else None, "code": code, "message": message, "traceback": traceback,
    }


def goodbye(reason: str) -> Goodbye:
    return {"type": "goodbye", "reason": reason}
