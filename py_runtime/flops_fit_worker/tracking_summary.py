"""The sweep's summary run: its fit, logged to W&B and TensorBoard (docs/tracking.md).

    echo '{...}' | python -m flops_fit_worker.tracking_summary    # prints {"warnings": [...]}

Run by the orchestrator (src/tracking/summary-run.ts) with the workers' Python once a sweep
has a new fit. It reads one JSON request on stdin:

    sweep, fingerprint        the sweep's name and definition
    step                      the runs fitted: the x-axis of the law's history in the trackers
    scalars                   {"approach2/a": 0.45, "approach2/a_lo": ..., ...} (a, b, E, α, β, intervals)
    preferred_approach        the approach the Chinchilla table comes from
    table_csv, table_markdown the Chinchilla table
    figures                   {name: path of a PNG}
    tensorboard_dir           RUN_DIR/tensorboard/fit, or null
    wandb                     W&B settings (messages.WandbSettings; run_id: the sweep's summary run), or null

and answers one JSON object on stdout. Like a run's trackers, a failing tracker is a warning,
never an error: the exit status is 0 unless the request itself is unreadable.
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
import struct
import sys
from typing import Any, Callable


def _line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _png_size(data: bytes) -> tuple[int, int]:
    """(height, width) from a PNG's IHDR chunk."""
    width, height = struct.unpack(">II", data[16:24])
    return int(height), int(width)


def log_tensorboard(request: dict[str, Any]) -> None:
    try:
        from torch.utils.tensorboard import SummaryWriter
        from tensorboard.compat.proto.summary_pb2 import Summary
    except ImportError as exc:
        raise RuntimeError("the tensorboard package is not installed in the workers' Python") from exc
    step = int(request["step"])
    writer = SummaryWriter(log_dir=request["tensorboard_dir"])
    try:
        for tag, value in request["scalars"].items():
            writer.add_scalar(f"fit/{tag}", float(value), global_step=step)
        writer.add_text("fit/chinchilla_table", request["table_markdown"], global_step=step)
        writer.add_text("fit/preferred_approach", str(request["preferred_approach"]), global_step=step)
        for name, path in request["figures"].items():
            with open(path, "rb") as handle:
                data = handle.read()
            height, width = _png_size(data)
            # The report's PNG as it is: TensorBoard's image summary holds encoded PNG bytes.
            image = Summary.Image(height=height, width=width, colorspace=4, encoded_image_string=data)
            writer._get_file_writer().add_summary(Summary(value=[Summary.Value(tag=f"fit/{name}", image=image)]), global_step=step)
    finally:
        writer.close()


def log_wandb(request: dict[str, Any]) -> None:
    try:
        import wandb
    except ImportError as exc:
        raise RuntimeError("the wandb package is not installed in the workers' Python") from exc
    settings = request["wandb"]
    directory = os.environ.get("WANDB_DIR") or settings["dir"]
    mode = os.environ.get("WANDB_MODE") or settings["mode"]  # the environment wins, as for W&B's own folder
    os.makedirs(directory, exist_ok=True)
    run = wandb.init(
        project=settings["project"], entity=settings["entity"], group=settings["group"], tags=list(settings["tags"]),
        mode=mode, id=settings["run_id"], resume="allow", name=f"{request['sweep']} fit", job_type="fit",
        dir=directory, reinit="create_new",
        settings=wandb.Settings(init_timeout=float(settings["init_timeout_s"]), console="off", save_code=False,
                                disable_git=True, x_disable_stats=True, silent=True),
    )
    try:
        run.config.update({"sweep": request["sweep"], "fingerprint": request["fingerprint"], "stage": "fit"},
                          allow_val_change=True)
        rows = list(csv.reader(io.StringIO(request["table_csv"])))
        table = wandb.Table(columns=rows[0], data=[[_cell(v) for v in row] for row in rows[1:]]) if rows else None
        logged: dict[str, Any] = {f"fit/{tag}": value for tag, value in request["scalars"].items()}
        if table is not None:
            logged["fit/chinchilla_table"] = table
        for name, path in request["figures"].items():
            logged[f"fit/{name}"] = wandb.Image(path)
        step = int(request["step"])
        if step >= int(getattr(run, "step", 0) or 0):
            run.log(logged, step=step)
        run.summary.update({**{f"fit/{tag}": value for tag, value in request["scalars"].items()},
                            "preferred_approach": request["preferred_approach"], "runs_fitted": step})
    finally:
        run.finish()


def _cell(text: str) -> Any:
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else None


def log_fit(request: dict[str, Any]) -> list[str]:
    """Log the fit to every tracker asked for; the warnings of those that could not."""
    warnings: list[str] = []
    loggers: list[tuple[str, Callable[[dict[str, Any]], None]]] = []
    if request.get("tensorboard_dir"):
        loggers.append(("TensorBoard", log_tensorboard))
    if request.get("wandb") and request["wandb"]["mode"] != "disabled":
        loggers.append(("W&B", log_wandb))
    for name, logger in loggers:
        try:
            logger(request)
        except Exception as exc:  # noqa: BLE001 — the fit is on disk; a tracker is a view of it
            warnings.append(f"{name}: the fit was not logged: {_line(exc)}")
    return warnings


def main() -> int:
    try:
        request = json.load(sys.stdin)
    except ValueError as exc:
        print(f"flops-fit tracking summary: the request is not JSON: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"warnings": log_fit(request)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
