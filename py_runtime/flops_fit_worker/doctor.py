"""What `flops-fit doctor` asks the worker's Python (src/doctor/diagnose.ts):

    python -m flops_fit_worker.doctor '{"import": ["torch", ...], "find": ["timm", ...]}' ['{"sys_path": [...], "model": ..., "data": ..., "loss": ...}']

prints one JSON object: the Python version, each module's version (null when it does not
import; the optional ones are only looked up, not imported), the devices, and — given a config's resolved targets — whether each target imports
and whether the data loads (its own error when not: a missing folder, a tokenizer, a package).
"""
from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import json
import platform
import sys
from typing import Any


def module_versions(names: list[str]) -> dict[str, str | None]:
    """Each module's version, imported (what a worker would do), or None when it does not import."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            module = importlib.import_module(name)
        except Exception:  # noqa: BLE001 — not importable, whatever the reason
            versions[name] = None
            continue
        version = getattr(module, "__version__", None)
        if version is None and hasattr(module, "pyzmq_version"):
            version = module.pyzmq_version()
        versions[name] = str(version or "installed")
    return versions


def installed_versions(names: list[str]) -> dict[str, str | None]:
    """Each optional module's installed version, found without importing it (transformers
    alone takes seconds to import), or None when it is not installed."""
    versions: dict[str, str | None] = {}
    for name in names:
        if importlib.util.find_spec(name) is None:
            versions[name] = None
            continue
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "installed"
    return versions


def devices() -> list[str]:
    found = ["cpu"]
    try:
        import torch
        found += [f"cuda:{i} {torch.cuda.get_device_name(i)}" for i in range(torch.cuda.device_count())]
    except Exception:  # noqa: BLE001 — torch's own line says it is missing
        pass
    return found


def config_checks(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """One check per thing the config needs: each target imports, and the data loads."""
    from .models import DataError, build_data
    from .targets import TargetError, extend_sys_path, resolve

    extend_sys_path(spec["sys_path"])
    checks: list[dict[str, Any]] = []

    def target(name: str, reference: str | None) -> None:
        if reference is None:
            return
        try:
            resolve(reference)
            checks.append({"name": name, "ok": True, "detail": f"{reference} imports"})
        except TargetError as exc:
            checks.append({"name": name, "ok": False, "detail": str(exc)})

    target("model target", spec["model"]["target"])
    target("data target", spec["data"]["target"])
    target("loss target", (spec.get("loss") or {}).get("target"))
    if all(check["ok"] for check in checks if check["name"] == "data target"):
        try:
            data = build_data(spec["data"], seed=0)
            tokens = getattr(data, "train_tokens", None)
            checks.append({"name": "data", "ok": True, "detail": f"loads ({tokens:,} training tokens)" if isinstance(tokens, int) else "loads"})
        except (DataError, TargetError) as exc:
            checks.append({"name": "data", "ok": False, "detail": str(exc)})
    return checks


def main(argv: list[str]) -> int:
    modules = json.loads(argv[1])
    out: dict[str, Any] = {"python": platform.python_version(), "devices": devices(),
                           "modules": {**module_versions(modules["import"]), **installed_versions(modules["find"])}}
    if len(argv) > 2:
        out["config"] = config_checks(json.loads(argv[2]))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
