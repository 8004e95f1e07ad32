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


def count(obj: Any, size_param: str, size: float, options_json: str, max_params: float) -> str:
    """Parameter counts at one size, counted on the meta device: no memory, no init kernels,
    so a huge size costs nothing; `skipped` above max_params."""
    from .params import count_parameters
    from .sizing import count_on_meta
    kwargs = json.loads(options_json)
    kwargs[size_param] = size
    try:
        counts = count_on_meta(obj, kwargs)
    except Exception as meta_error:
        return json.dumps({"error": f"{type(meta_error).__name__}: {meta_error}"})
    if counts.total > max_params:
        return json.dumps({"skipped": True, "n_params": counts.total})
    return json.dumps({"n_params": counts.total, "n_params_embedding": counts.embedding,
                       "n_params_non_embedding": counts.non_embedding})


def propose(obj: Any, size_param: str, options_json: str, data_json: str, max_params: float, default: float | None) -> str:
    """The size step and range the model accepts (sizing.propose_size_values), built with the
    data's hints (vocabulary, sequence length, ...) when a data spec is given."""
    from .models import build_data, build_loss, data_hints, map_hints
    from .sizing import propose_size_values
    options = json.loads(options_json)
    spec = json.loads(data_json)
    data: Any = None
    loss_fn: Any = None
    notes: list[str] = []
    where: dict[str, Any] = {}
    if spec is not None:
        try:
            data = build_data(spec["data"], seed=0)
            loss_fn = build_loss(spec["loss"])
            kwargs, where = map_hints(obj, data_hints(data))
            options = {**kwargs, **options}
        except Exception as exc:
            notes.append(f"the data {spec['data']['target']} did not load ({type(exc).__name__}: {exc}): sizes checked by building only")
            data = None
    try:
        proposal = propose_size_values(obj, size_param, options, data, loss_fn, max_params, default)
    except Exception as exc:
        return json.dumps({"error": f"{type(exc).__name__}: {exc}", "hints": where, "notes": notes})
    proposal["notes"] = notes + proposal["notes"]
    proposal["hints"] = where
    return json.dumps(proposal)
