"""Import torchvision when its compiled ops cannot load (a CUDA build next to a CPU torch).

timm imports torchvision at import time (for a few pure-Python layers such as
FrozenBatchNorm2d), and transformers imports it when it is installed. A torchvision wheel
built for CUDA, installed beside a CPU-only torch (as pip does when it resolves timm's
dependencies from PyPI on a CPU machine), cannot load its compiled extension `_C`; it is
meant to import anyway with its ops unavailable, but torchvision 0.2x then fails on its own
fake-kernel registrations ("operator torchvision::nms does not exist"), and with it
`import timm` and every transformers model class.

`ensure_torchvision_importable()` imports torchvision; only when that fails this way it
declares the schemas of the two ops torchvision registers unconditionally (nms, qnms: their
schemas as torchvision's C++ source defines them, with no kernel) and imports it again. The
pure-Python parts (transforms, layers) then work; calling a compiled op (nms, roi_align, image
decoding) raises torch's "no kernel" error. With a torchvision that matches torch, or without
torchvision, it does nothing. Workers call it before importing any target (targets.py).
"""
from __future__ import annotations

import importlib.util
import sys

_SCHEMAS = {
    "nms": "nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "qnms": "qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
}
_library = None  # the torch.library.Library holding the declared schemas (kept alive)
_state: str | None = None  # None: not tried; "ok", "patched", "absent" or "failed: ..."


def ensure_torchvision_importable() -> str:
    """Import torchvision if it is installed; the outcome: ok, patched, absent or failed: <why>."""
    global _state, _library
    if _state is not None:
        return _state
    if "torchvision" in sys.modules or importlib.util.find_spec("torchvision") is None:
        _state = "ok" if "torchvision" in sys.modules else "absent"
        return _state
    try:
        import torchvision  # noqa: F401

        _state = "ok"
        return _state
    except RuntimeError as exc:
        if "torchvision::" not in str(exc):
            _state = f"failed: {exc}"
            return _state
        first_error = str(exc)
    for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
        del sys.modules[name]  # the half-imported package, so it imports afresh
    import torch

    _library = torch.library.Library("torchvision", "DEF")  # noqa: TOR901 — schemas only, no kernels
    for schema in _SCHEMAS.values():
        _library.define(schema)
    try:
        import torchvision  # noqa: F401,F811
    except Exception as exc:  # noqa: BLE001 — report, never break the worker over an optional package
        _state = f"failed: {exc}"
        return _state
    # One line on stderr (the worker's log, the terminal under `plugins inspect`): warnings.warn
    # would also echo the calling source line, on every command that imports a target.
    print(f"flops-fit: note: torchvision's compiled ops could not load ({first_error}; a CUDA build next to a CPU "
          f"torch?): imported it without them; its transforms and layers work, its compiled ops (nms, roi_align, "
          f"image decoding) do not", file=sys.stderr, flush=True)
    _state = "patched"
    return _state
