"""What `flops-fit plugins inspect` and `plugins init` ask of a Python target, over the
pythonia bridge (src/plugins/inspect-target.ts): whether it imports, its signature, its
parameter counts at a size, and the sizes it accepts. Every answer is a JSON string, and
an exception in the user's code is an answer, not a crash of the bridge.
"""
from __future__ import annotations

import inspect
import json
import math
import os
import sys
from typing import Any

from .targets import TargetError, resolve

_objects: dict[str, Any] = {}


def quiet_stdout() -> None:
    """User modules may print: fd 1 becomes stderr, so the CLI's stdout stays clean."""
    sys.stdout.flush()
    os.dup2(2, 1)


def problem(target: str) -> str | None:
    """Import the target (kept for lookup); None, or JSON {code, message} when it does not import."""
    try:
        _objects[target] = resolve(target)
    except TargetError as exc:
        return json.dumps({"code": exc.code, "message": str(exc)})
    except Exception as exc:
        return json.dumps({"code": "import_error", "message": f'importing "{target}" failed: {type(exc).__name__}: {exc}'})
    return None


def lookup(target: str) -> Any:
    """The object `problem` imported."""
    return _objects[target]


def _plain(value: Any) -> Any:
    """A default value as JSON: itself when plain, else its repr."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, (list, tuple)) and all(v is None or isinstance(v, (bool, int, float, str)) for v in value):
        return [_plain(v) for v in value]
    return repr(value)


def _root(module_name: str) -> str | None:
    """The folder to put on sys.path for `module_name` to import (its top package's parent)."""
    top = sys.modules.get(module_name.split(".")[0])
    file = getattr(top, "__file__", None)
    if file:
        folder = os.path.dirname(os.path.abspath(file))
        return os.path.dirname(folder) if os.path.basename(file).startswith("__init__.") else folder
    paths = list(getattr(top, "__path__", []) or [])
    return os.path.dirname(os.path.abspath(paths[0])) if paths else None


def describe(obj: Any) -> str:
    """The signature: each parameter's kind, default and annotation; where its module lives."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError) as exc:
        return json.dumps({"error": f"cannot read a signature from {obj!r}: {exc}"})
    empty = inspect.Parameter.empty
    params: list[dict[str, Any]] = []
    for p in sig.parameters.values():
        has_default = p.default is not empty
        annotation = None if p.annotation is empty else p.annotation if isinstance(p.annotation, str) else inspect.formatannotation(p.annotation)
        params.append({"name": p.name, "kind": p.kind.name, "default": _plain(p.default) if has_default else None,
                       "default_type": type(p.default).__name__ if has_default else None,
                       "required": not has_default and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD), "annotation": annotation})
    module_name = getattr(obj, "__module__", None) or ""
    module = sys.modules.get(module_name)
    return json.dumps({"text": f"{getattr(obj, '__name__', type(obj).__name__)}{sig}", "kind": "class" if inspect.isclass(obj) else type(obj).__name__,
                       "params": params, "module_file": getattr(module, "__file__", None),
                       "module_root": _root(module_name) if module_name else None})


_data: dict[str, Any] = {}


def _as_a_sweep_builds(obj: Any, options: dict[str, Any], spec: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """The constructor options as a sweep builds the model (models.build_model): the data's
    hints under the factory's own argument names, the config's options over them. Also what
    each hint is and where it went ({hint: {value, argument}}), and the data (None without a spec)."""
    from .models import build_data, data_hints, map_hints
    if spec is None:
        return options, {}, None
    key = json.dumps(spec["data"], sort_keys=True)
    if key not in _data:
        _data[key] = build_data(spec["data"], seed=0)  # a DataError says why it does not load
    hints = data_hints(_data[key])
    kwargs, where = map_hints(obj, hints)
    return {**kwargs, **options}, {hint: {"value": _plain(value), "argument": where[hint]} for hint, value in hints.items()}, _data[key]


def count(obj: Any, size_param: str, size: float, options_json: str, max_params: float, data_json: str = "null") -> str:
    """Parameter counts at one size, counted on the meta device (no memory, no init kernels,
    so a huge size costs nothing; `skipped` above max_params), built as a sweep builds it
    when a data spec {data, loss} is given."""
    from .sizing import count_on_meta
    try:
        options, hints, _ = _as_a_sweep_builds(obj, json.loads(options_json), json.loads(data_json))
    except Exception as exc:  # noqa: BLE001 — the data's own error, named as such
        return json.dumps({"data_error": str(exc)})
    kwargs = {**options, size_param: int(size) if float(size).is_integer() else size}
    try:
        counts = count_on_meta(obj, kwargs)
    except Exception as meta_error:
        return json.dumps({"error": f"{type(meta_error).__name__}: {meta_error}", "hints": hints})
    if counts.total > max_params:
        return json.dumps({"skipped": True, "n_params": counts.total, "hints": hints})
    return json.dumps({"n_params": counts.total, "n_params_embedding": counts.embedding,
                       "n_params_non_embedding": counts.non_embedding, "hints": hints})


def propose(obj: Any, size_param: str, options_json: str, data_json: str, max_params: float, default: float | None,
            train: bool = True) -> str:
    """The size step and range the model accepts (sizing.propose_size_values), built with the
    data's hints (vocabulary, sequence length, ...) when a data spec is given; with `train`,
    every proposed size must also take a training step on the data's batch."""
    from .models import build_loss
    from .sizing import propose_size_values
    options = json.loads(options_json)
    spec = json.loads(data_json)
    data: Any = None
    loss_fn: Any = None
    notes: list[str] = []
    where: dict[str, Any] = {}
    if spec is not None:
        try:
            options, hints, data = _as_a_sweep_builds(obj, options, spec)
            where = {hint: entry["argument"] for hint, entry in hints.items()}
            loss_fn = build_loss(spec["loss"])
        except Exception as exc:
            notes.append(f"the data {spec['data']['target']} did not load ({type(exc).__name__}: {exc}): sizes checked by building only")
            data = None
    try:
        proposal = propose_size_values(obj, size_param, options, data if train else None, loss_fn, max_params, default)
    except Exception as exc:
        return json.dumps({"error": f"{type(exc).__name__}: {exc}", "hints": where, "notes": notes})
    proposal["notes"] = notes + proposal["notes"]
    proposal["hints"] = where
    return json.dumps(proposal)
