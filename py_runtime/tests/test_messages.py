"""The worker's typed view of the wire (messages.py) matches the schema the orchestrator exports.

Each TypedDict must name exactly the fields of its message in protocol.schema.json, with the
same required ones; and the builders' messages must validate against the schema.
"""
from __future__ import annotations

import json
from typing import Any, Iterator

import pytest

from flops_fit_worker import messages
from flops_fit_worker.protocol import SCHEMA_PATH, check_outgoing
from flops_fit_worker.training import TrainConfig

SCHEMA = json.loads(SCHEMA_PATH.read_text())


def _objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every object schema under a oneOf/anyOf tree."""
    if not isinstance(node, dict):
        return
    if node.get("type") == "object":
        yield node
    for key in ("oneOf", "anyOf"):
        for child in node.get(key, []):
            yield from _objects(child)


def message_schema(direction: str, type_: str, kind: str | None = None) -> dict[str, Any]:
    """The schema of one message: by its `type` (and `kind`) constants."""
    for obj in _objects(SCHEMA["$defs"][direction]):
        props = obj["properties"]
        if props.get("type", {}).get("const") == type_ and (kind is None or props.get("kind", {}).get("const") == kind):
            return obj
    raise LookupError(f"no {direction} message {type_}/{kind}")


def _nested(schema: dict[str, Any], *path: str) -> dict[str, Any]:
    """The object schema at a property path (through nullable unions and arrays)."""
    node = schema
    for name in path:
        node = node["properties"][name]
        node = next(_objects(node)) if node.get("type") != "object" else node
    return node


def _items(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return next(_objects(schema["properties"][name]["items"]))


TRAIN_TASK = message_schema("ToWorker", "task", "train")
PROBE_TASK = message_schema("ToWorker", "task", "probe")
TRAIN_RESULT = message_schema("FromWorker", "result", "train")
PROBE_RESULT = message_schema("FromWorker", "result", "probe")

CASES = [
    (messages.TrainTask, TRAIN_TASK),
    (messages.ProbeTask, PROBE_TASK),
    (messages.TrainingHyper, _nested(TRAIN_TASK, "training")),
    (messages.WsdTask, _nested(TRAIN_TASK, "wsd")),
    (messages.MockSurface, _nested(TRAIN_TASK, "mock")),
    (messages.TrackingSettings, _nested(TRAIN_TASK, "tracking")),
    (messages.WandbSettings, _nested(TRAIN_TASK, "tracking", "wandb")),
    (messages.ModelSpec, _nested(TRAIN_TASK, "model")),
    (messages.DataSpec, _nested(TRAIN_TASK, "data")),
    (messages.LossSpec, _nested(TRAIN_TASK, "loss")),
    (messages.Hello, message_schema("FromWorker", "hello")),
    (messages.Progress, message_schema("FromWorker", "progress")),
    (messages.WorkerHeartbeat, message_schema("FromWorker", "heartbeat")),
    (messages.ProbeResult, PROBE_RESULT),
    (messages.ProbeSize, _items(PROBE_RESULT, "sizes")),
    (messages.UnbuildableSize, _items(PROBE_RESULT, "unbuildable")),
    (messages.TrainResult, TRAIN_RESULT),
    (messages.CurvePoint, _items(TRAIN_RESULT, "curve")),
    (messages.TrainEngine, _nested(TRAIN_RESULT, "engine")),
    (messages.TaskError, message_schema("FromWorker", "task_error")),
    (messages.Goodbye, message_schema("FromWorker", "goodbye")),
]


@pytest.mark.parametrize("typed, schema", CASES, ids=[typed.__name__ for typed, _ in CASES])
def test_each_typed_message_has_the_schemas_fields_and_required_ones(typed: Any, schema: dict[str, Any]) -> None:
    assert set(typed.__annotations__) == set(schema["properties"]), typed.__name__
    assert set(typed.__required_keys__) == set(schema.get("required", [])), typed.__name__


def test_task_error_codes_are_the_schemas() -> None:
    codes = message_schema("FromWorker", "task_error")["properties"]["code"]["enum"]
    assert set(codes) == set(messages.TaskErrorCode.__args__)


def test_the_training_loops_hyper_parameters_are_the_tasks() -> None:
    engine_reads = {"mixed_precision", "compile", "micro_batch_size"}
    assert set(TrainConfig.__dataclass_fields__) == set(_nested(TRAIN_TASK, "training")["required"]) - engine_reads


def _train_task() -> messages.TrainTask:
    return {
        "type": "task", "kind": "train", "task_id": "e#1", "experiment_id": "e", "attempt": 1, "seed": 0,
        "model": {"target": "m:M", "size_param": "d", "options": {}}, "size_value": 8,
        "data": {"target": "d:D", "options": {}}, "loss": None, "n_tokens": 64, "budget_flops": 1e6,
        "training": {"batch_size": 2, "lr": 1e-3, "warmup_fraction": 0.1, "min_lr_fraction": 0.1, "weight_decay": 0.1,
                     "beta1": 0.9, "beta2": 0.95, "grad_clip": 1.0, "eval_tokens": 64, "threads": 1,
                     "checkpoint_interval_s": 300},
        "mock": None, "device": "cpu", "sys_path": [], "progress_interval_s": 1.0, "checkpoint_dir": None,
    }


def test_every_builder_makes_a_message_the_schema_accepts() -> None:
    task = _train_task()
    probe: messages.ProbeTask = {"type": "task", "kind": "probe", "task_id": "p", "model": task["model"],
                                 "data": task["data"], "loss": None, "size_values": [8], "measure_flops": False,
                                 "sys_path": []}
    result = messages.train_result(
        task, status="failed", n_params=100, n_params_embedding=10, n_tokens=0, steps=0, tokens_per_step=32,
        loss=None, train_loss=None, flops_measured=None, tokens_per_s=None, wall_s=0.1, curve=[], device="cpu",
        world_size=1, resumed_from_step=None, engine=None, error="boom", epochs=None)
    assert result["n_params_non_embedding"] == 90 and result["flops_6nd"] == 0.0
    check_outgoing(result)
    check_outgoing(messages.probe_result(probe, sizes=[], tokens_per_sample=4, train_tokens=None, unbuildable=[]))
    for task_ in (task, probe):
        error = messages.task_error(task_, "bad_target", "not callable", None)
        check_outgoing(error)
    assert messages.task_error(task, "exception", "x", None)["experiment_id"] == "e"
    check_outgoing(messages.goodbye("shutdown requested"))
