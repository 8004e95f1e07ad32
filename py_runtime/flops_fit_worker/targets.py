"""Resolve `package.module:Attribute` references named in a config or plugin manifest."""
from __future__ import annotations

import importlib
import sys
from typing import Any, Literal


class TargetError(Exception):
    """A target that cannot be imported (`import_error`), or is not what it must be (`bad_target`)."""

    def __init__(self, message: str, code: Literal["import_error", "bad_target"] = "import_error") -> None:
        super().__init__(message)
        self.code = code


def extend_sys_path(paths: list[str]) -> None:
    """Put plugin folders first on sys.path (each once), so their modules import."""
    for path in reversed(paths):
        if path not in sys.path:
            sys.path.insert(0, path)


#: Modules that never need torchvision: resolving them skips the torchvision check.
_OWN_MODULES = ("flops_fit_worker.", "plugins.gpt.", "plugins.vit.")


def resolve(target: str) -> Any:
    """Import `module:Attr` (Attr may be dotted) and return the attribute."""
    module_name, sep, attr_path = target.partition(":")
    if not sep or not module_name or not attr_path:
        raise TargetError(f'target "{target}" must look like "package.module:Attribute"', "bad_target")
    if not (module_name + ".").startswith(_OWN_MODULES):
        # timm and transformers import torchvision: make a CUDA build beside CPU torch importable first.
        from .vision_compat import ensure_torchvision_importable

        ensure_torchvision_importable()
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or module_name
        raise TargetError(f'cannot import module "{module_name}" for target "{target}": no module named "{missing}"') from exc
    except SystemExit as exc:  # a module that exits when imported (a script's sys.exit()): not a reason for the worker to die
        raise TargetError(f'importing module "{module_name}" for target "{target}" called sys.exit({exc.code!r}): '
                          "a module a plugin names must not exit when imported (guard script code with "
                          "if __name__ == \"__main__\":)") from exc
    except Exception as exc:  # an error while the module itself runs
        raise TargetError(f'importing module "{module_name}" for target "{target}" failed: {type(exc).__name__}: {exc}') from exc
    value: Any = module
    for part in attr_path.split("."):
        if not hasattr(value, part):
            raise TargetError(f'module "{module_name}" has no attribute "{attr_path}" (target "{target}")')
        value = getattr(value, part)
    return value
