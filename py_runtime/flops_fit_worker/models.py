"""Build the pieces a task names: the model at a size, the data source, the loss.

An existing PyTorch model is used unchanged: any callable `module:Attr` that accepts the
size argument (plus the configured options) and returns an `nn.Module` works.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

from torch import nn

from .messages import DataSpec, LossSpec, ModelSpec
from .targets import TargetError, resolve


def _accepted(fn: Callable[..., Any], options: dict[str, Any]) -> dict[str, Any]:
    """Options the callable accepts (all of them when it takes **kwargs)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return options
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return options
    return {k: v for k, v in options.items() if k in params}


#: A data hint's name, then the names models commonly give the same argument (timm's
#: img_size/in_chans, Hugging Face's n_positions/max_position_embeddings/num_labels, ...).
HINT_ALIASES: dict[str, tuple[str, ...]] = {
    "vocab_size": ("vocab_size", "n_vocab", "num_embeddings"),
    "seq_len": ("seq_len", "max_seq_len", "block_size", "n_positions", "max_position_embeddings", "context_length",
                "n_ctx", "max_len"),
    "image_size": ("image_size", "img_size", "input_size"),
    "channels": ("channels", "in_chans", "in_channels", "num_channels"),
    "num_classes": ("num_classes", "n_classes", "num_labels"),
    "patch_size": ("patch_size",),
}


def map_hints(factory: Callable[..., Any], hints: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str | None]]:
    """The data's hints under the factory's own argument names, and where each hint went.

    Returns (keyword arguments, {hint: argument name, or None when the factory takes none of
    its names}). A factory that takes **kwargs and none of a hint's names gets the hint under
    its own name (as before: it may forward it).
    """
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return dict(hints), {name: name for name in hints}
    takes_kwargs = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    kwargs: dict[str, Any] = {}
    where: dict[str, str | None] = {}
    for hint, value in hints.items():
        names = HINT_ALIASES.get(hint, (hint,))
        target = next((n for n in names if n in params and params[n].kind is not inspect.Parameter.POSITIONAL_ONLY), None)
        if target is None and takes_kwargs:
            target = hint
        where[hint] = target
        if target is not None:
            kwargs[target] = value
    return kwargs, where


def data_hints(data: Any | None) -> dict[str, Any]:
    hints = getattr(data, "model_hints", None)
    return dict(hints()) if callable(hints) else {}


def build_model(spec: ModelSpec, size_value: float, data: Any | None) -> nn.Module:
    factory = resolve(spec["target"])
    if not callable(factory):
        raise TargetError(f'model target "{spec["target"]}" is not callable', "bad_target")
    size = int(size_value) if float(size_value).is_integer() else size_value
    # Facts the data plugin knows (vocab size, sequence length, image size, classes) fill in
    # the model's own arguments for them (HINT_ALIASES) that the config left unset.
    kwargs, _ = map_hints(factory, data_hints(data))
    kwargs.update(spec["options"])
    kwargs[spec["size_param"]] = size
    model = factory(**kwargs)
    if not isinstance(model, nn.Module):
        raise TargetError(f'model target "{spec["target"]}" returned {type(model).__name__}, not a torch.nn.Module', "bad_target")
    return model


class DataError(Exception):
    """The data target imported but could not load its data (an empty folder, a missing file):
    the config's data is at fault, not the model (a `data_error` task error)."""


def build_data(spec: DataSpec, seed: int) -> Any:
    factory = resolve(spec["target"])
    try:
        return factory(**spec["options"], **_accepted(factory, {"seed": seed}))
    except TargetError:
        raise
    except Exception as exc:  # noqa: BLE001 — whatever the data raised, it is the data's error
        raise DataError(f"the data {spec['target']} could not be loaded: {type(exc).__name__}: {exc}") from exc


def build_loss(spec: LossSpec | None) -> Callable[..., Any] | None:
    """The loss callable `loss(outputs, targets)`, or None for models that return `.loss`."""
    if spec is None:
        return None
    fn = resolve(spec["target"])
    if not callable(fn):
        raise TargetError(f'loss target "{spec["target"]}" is not callable', "bad_target")
    return fn  # type: ignore[no-any-return]
