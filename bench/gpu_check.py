"""The GPU check: bf16 training throughput and model-FLOP utilisation of flops-fit's loop.

    python3 bench/gpu_check.py --out OUT_DIR          # on a machine with a CUDA GPU (≈ 3 min on one H200; at most ≈ 6)
    python3 bench/gpu_check.py --dry --out OUT_DIR    # CPU smoke test of every path (tiny GPT, about a minute)

Trains the built-in GPT (plugins/gpt) at 127M parameters (d_model 1024, 10 layers, 16 heads,
seq 1024, byte vocabulary; batch 32 = 32,768 tokens per step) on the standard library's
sources and measures, each after warm-up steps:

  bare           a hand-written PyTorch loop of the same run (bf16 autocast, fused AdamW)
  loop           flops-fit's loop (flops_fit_worker.training.train: Accelerate, bf16)
  bare+item      the bare loop reading the loss with .item() after every step (a host sync per step)
  loop 2 ranks   two GPUs under `accelerate launch` (DDP), the same global batch; when 2 GPUs exist
  loop FSDP Nr   the same under FSDP2 (configs/accelerate/fsdp.yaml) over the N ≤ 2 GPUs there
                 are (over one GPU it checks the path)
  loop+compile   the loop with training.compile: true (torch.compile through Accelerate), last
                 and in a process of its own, so that the time budget can stop a slow compile

and prints a table of tokens/s, ms per step, TFLOP/s and MFU, the model FLOPs divided by the
peak: by default the H200's dense bf16 peak, 989 TFLOP/s (--peak-tflops for another GPU).
FLOPs per token are both the ones torch counts on a real step (flops.py: every matmul,
attention included) and 6·N. `syncs/step` counts the synchronizing CUDA calls (the host
waiting for the GPU) per timed step, with torch's sync debug mode: 1 for `bare+item`; for
flops-fit's loop the figure to check is 0 (its loss windows wait on CUDA events, which are
not counted, and only for a window the GPU finished long before). The launched runs (DDP,
FSDP) also cancel a small run mid-way (checkpointing through Accelerate's state) and resume
it, which must end at the uninterrupted run's loss.

Every measurement is guarded: one that fails (compile, say) is reported with its error and
the others still run; a time budget (--budget-s, 330 s) skips what would not fit and stops
the launched ones. The figures go to OUT_DIR/gpu_check.json as well, rewritten after every
measurement.

Imports only torch, accelerate, numpy, the worker's training loop and the GPT plugin: no
pyzmq, no jsonschema. `--dry` runs the same code on CPU with a tiny GPT, a few steps,
torch.compile's `eager` backend (the dynamo path without C++ builds) and two gloo ranks (DDP:
Accelerate runs FSDP on GPUs only).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from loops import ROOT, Rate, bare_rate, gpt_task, loop_rate, with_training

import torch  # noqa: E402  (after loops, which puts the worker on sys.path)

H200_BF16_DENSE_TFLOPS = 989.0


@dataclass(frozen=True)
class Shape:
    d_model: int
    n_layers: int
    n_heads: int
    seq_len: int
    batch_size: int
    steps: int
    warmup: int


FULL = Shape(d_model=1024, n_layers=10, n_heads=16, seq_len=1024, batch_size=32, steps=60, warmup=15)
DRY = Shape(d_model=32, n_layers=2, n_heads=4, seq_len=64, batch_size=8, steps=14, warmup=4)


def log(message: str) -> None:
    print(message, flush=True)


def corpus_options(seq_len: int) -> dict[str, Any]:
    """ByteCorpus over the standard library's sources, or over this repository's files where
    the Python installation ships too few of them (the timing does not depend on the text)."""
    from plugins.gpt.data import load_corpus

    try:
        if len(load_corpus("stdlib", None, None, "train", "text")) > 2_000_000:
            return {"source": "stdlib", "seq_len": seq_len}
    except Exception as exc:  # noqa: BLE001
        log(f"  the standard library's sources are unreadable ({exc}); training on this repository's files")
    return {"source": "path", "path": str(ROOT), "seq_len": seq_len, "heldout_fraction": 0.05}


def model_size(task: dict[str, Any]) -> dict[str, Any]:
    """Parameters of the task's model, counted on the meta device (no memory, no time)."""
    from flops_fit_worker.models import build_data, build_model
    from flops_fit_worker.params import count_parameters

    data = build_data(task["data"], seed=0)
    with torch.device("meta"):
        model = build_model(task["model"], task["size_value"], data)
    counts = count_parameters(model)
    return {"n_params": counts.total, "n_params_embedding": counts.embedding}


def launched_rate(label: str, launch: list[str] | None, task: dict[str, Any], warmup: int, out: Path,
                  timeout_s: float, resume_check: bool) -> Rate:
    """The loop in processes started by `accelerate launch` with `launch` flags (one GPU each;
    gloo on CPU), or in one plain process when `launch` is None (so that a measurement that
    may take long, compiling, can be stopped at `timeout_s`); rank 0 times it. With
    `resume_check`, the ranks then also cancel a run mid-way (a checkpoint through
    Accelerate's save_state) and resume it to the end."""
    spec, answer, log_file = (out / f"{label}-{suffix}" for suffix in ("task.json", "rate.json", "ranks.log"))
    checkpoints = tempfile.mkdtemp(prefix=f"ff-gpu-check-{label}-")  # not under OUT: they are large
    spec.write_text(json.dumps({"task": task, "warmup": warmup, "answer": str(answer), "resume_check": resume_check,
                                "checkpoints": checkpoints}))
    answer.unlink(missing_ok=True)
    launcher = [] if launch is None else ["-m", "accelerate.commands.launch", *launch, "--num_machines", "1",
                                          "--main_process_port", "0", "--mixed_precision", "no",
                                          "--dynamo_backend", "no"]
    command = [sys.executable, *launcher, str(Path(__file__).resolve()), "--rank-run", str(spec)]
    try:
        with open(log_file, "w") as rank_log:
            # A session of its own, so that on time-out the launcher and all its ranks go together.
            group = subprocess.Popen(command, cwd=ROOT, stdout=rank_log, stderr=subprocess.STDOUT, start_new_session=True)
            try:
                code = group.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(group.pid, signal.SIGKILL)
                group.wait()
                raise RuntimeError(f"stopped after {timeout_s:.0f} s (the time budget); {log_file} ends:\n"
                                   f"{log_file.read_text()[-1500:]}") from None
    finally:
        shutil.rmtree(checkpoints, ignore_errors=True)
    if code != 0 or not answer.exists():
        raise RuntimeError(f"accelerate launch exited {code}; {log_file} ends:\n{log_file.read_text()[-2000:]}")
    figures = json.loads(answer.read_text())
    return Rate(figures["tokens_per_s"], figures["step_s"], figures["measured_steps"], figures["result"])


def resume_check(task: dict[str, Any], folder: str, is_main: bool) -> dict[str, Any]:
    """Cancel a 48-step run after its third loss window (it checkpoints), resume it as attempt
    2, and compare with the same run uninterrupted (collective: every rank calls it)."""
    import copy

    from flops_fit_worker.context import RunContext
    from flops_fit_worker.training import train

    steps = 48
    run: Any = copy.deepcopy(task)  # a small model of the same kind: what is checked is saving and loading
    run["model"]["options"]["n_layers"] = 2
    run["data"]["options"]["seq_len"] = min(256, run["data"]["options"]["seq_len"])
    run["training"]["batch_size"] = min(8, run["training"]["batch_size"])
    run.update(experiment_id="resume-check", checkpoint_dir=folder,
               n_tokens=steps * run["training"]["batch_size"] * run["data"]["options"]["seq_len"])
    checks = {"n": 0}

    def cancel_on_third() -> bool:
        checks["n"] += 1
        return is_main and checks["n"] >= 3

    second: Any = {**run, "attempt": 2}
    uninterrupted: Any = {**run, "checkpoint_dir": None}
    cancelled: Any = train(run, RunContext(task=run, send=lambda m: None, is_cancelled=cancel_on_third, interval_s=1e9))
    resumed: Any = train(second, RunContext(task=run, send=lambda m: None, is_cancelled=lambda: False))
    whole: Any = train(uninterrupted, RunContext(task=run, send=lambda m: None, is_cancelled=lambda: False))
    return {"cancelled": {k: cancelled[k] for k in ("status", "steps", "error")}, "engine": resumed.get("engine"),
            "resumed": {k: resumed[k] for k in ("status", "steps", "resumed_from_step", "loss", "error")},
            "uninterrupted_loss": whole["loss"],
            "ok": cancelled["status"] == "cancelled" and resumed["status"] == "completed"
            and (resumed["resumed_from_step"] or 0) > 0 and resumed["steps"] == whole["steps"] == steps
            and abs(resumed["loss"] - whole["loss"]) <= 1e-3 * abs(whole["loss"])}


def rank_run(spec_file: str) -> int:
    """One rank of a launched measurement (started by accelerate launch)."""
    from accelerate import PartialState

    spec = json.loads(Path(spec_file).read_text())
    state = PartialState(cpu=not torch.cuda.is_available())
    rate = loop_rate(spec["task"], spec["warmup"], on_rank0=state.is_main_process)
    checked = resume_check(spec["task"], spec["checkpoints"], state.is_main_process) if spec["resume_check"] else None
    if state.is_main_process:
        result = {k: v for k, v in (rate.result or {}).items() if k != "curve"}
        result["resume_check"] = checked
        Path(spec["answer"]).write_text(json.dumps({"tokens_per_s": rate.tokens_per_s, "step_s": rate.step_s,
                                                    "measured_steps": rate.measured_steps, "result": result}))
    state.wait_for_everyone()
    return 0


def measure(name: str, run: Callable[[], Rate], figures: dict[str, Any], deadline: float, needs_s: float) -> None:
    """Run one measurement, guarded: its figures or its error land in `figures[name]`."""
    left = deadline - time.monotonic()
    if left < needs_s:
        log(f"  {name}: skipped, {left:.0f} s of the time budget left (needs ~{needs_s:.0f} s)")
        figures[name] = {"ok": False, "error": "skipped: time budget"}
        return
    log(f"  {name} ...")
    started = time.monotonic()
    try:
        rate = run()
        entry: dict[str, Any] = {"ok": True, "tokens_per_s": rate.tokens_per_s, "step_ms": rate.step_s * 1e3,
                                 "measured_steps": rate.measured_steps, "host_syncs_per_step": rate.syncs_per_step}
        if rate.result is not None:
            entry["engine"] = rate.result.get("engine")
            if rate.result.get("resume_check") is not None:
                entry["resume_check"] = rate.result["resume_check"]
                if not entry["resume_check"]["ok"]:
                    raise RuntimeError(f"checkpoint/resume check failed: {entry['resume_check']}")
            entry["flops_per_token_measured"] = rate.result["flops_measured"] / rate.result["n_tokens"]
            entry["heldout_loss"] = rate.result["loss"]
        log(f"  {name}: {rate.tokens_per_s:,.0f} tokens/s, {rate.step_s * 1e3:.1f} ms/step "
            f"({time.monotonic() - started:.0f} s)")
    except Exception as exc:  # noqa: BLE001 — one failed measurement must not lose the others
        entry = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()[-3000:]}
        log(f"  {name}: FAILED after {time.monotonic() - started:.0f} s: {type(exc).__name__}: {str(exc)[:500]}")
    entry["wall_s"] = time.monotonic() - started
    figures[name] = entry
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def table(figures: dict[str, Any], flops_per_token: float | None, n_params: int, peak_tflops: float) -> str:
    baseline = figures.get("bare", {}).get("tokens_per_s") if figures.get("bare", {}).get("ok") else None
    lines = [f"{'measurement':<14} {'tokens/s':>11} {'ms/step':>8} {'TFLOP/s':>8} {'MFU':>6} {'MFU 6N':>7} {'vs bare':>8}"
             f" {'syncs/step':>10}"]
    for name, entry in figures.items():
        if not entry.get("ok"):
            lines.append(f"{name:<14} {'—':>11}  {entry.get('error', '')[:60]}")
            continue
        rate = entry["tokens_per_s"]
        tflops = rate * flops_per_token / 1e12 if flops_per_token else float("nan")
        mfu = tflops / peak_tflops if flops_per_token else float("nan")
        mfu_6n = rate * 6 * n_params / 1e12 / peak_tflops
        versus = f"{rate / baseline:.3f}" if baseline else "—"
        entry.update({"tflops": tflops if flops_per_token else None, "mfu": mfu if flops_per_token else None,
                      "mfu_6n": mfu_6n, "vs_bare": rate / baseline if baseline else None})
        syncs = entry.get("host_syncs_per_step")
        lines.append(f"{name:<14} {rate:>11,.0f} {entry['step_ms']:>8.1f} {tflops:>8.1f} {mfu:>6.1%} {mfu_6n:>7.1%} {versus:>8}"
                     f" {'—' if syncs is None else format(syncs, '.2f'):>10}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=False, help="folder for gpu_check.json (created)")
    parser.add_argument("--dry", action="store_true", help="CPU smoke test: tiny GPT, a few steps, every path")
    parser.add_argument("--peak-tflops", type=float, default=H200_BF16_DENSE_TFLOPS,
                        help="the GPU's dense bf16 peak in TFLOP/s for MFU (default: H200, 989)")
    parser.add_argument("--steps", type=int, default=None, help="steps per measurement (default 60; dry 14)")
    parser.add_argument("--warmup", type=int, default=None, help="steps before timing starts (default 15; dry 4)")
    parser.add_argument("--budget-s", type=float, default=330.0, help="skip measurements that would end past this")
    parser.add_argument("--no-compile", action="store_true", help="skip the torch.compile measurement")
    parser.add_argument("--rank-run", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rank_run:
        return rank_run(args.rank_run)
    if not args.out:
        parser.error("--out is required")
    started = time.monotonic()
    deadline = started + args.budget_s
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    gpus = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if gpus == 0 and not args.dry:
        log("gpu_check: this torch sees no CUDA GPU; run with --dry for the CPU smoke test")
        return 2
    shape = DRY if args.dry else FULL
    steps, warmup = args.steps or shape.steps, args.warmup or shape.warmup
    device = "cpu" if args.dry else "cuda"
    if args.dry:
        os.environ.setdefault("FLOPS_FIT_COMPILE_BACKEND", "eager")  # the dynamo path in seconds, not minutes
    task = gpt_task(d_model=shape.d_model, n_layers=shape.n_layers, n_heads=shape.n_heads, seq_len=shape.seq_len,
                    batch_size=shape.batch_size, steps=steps, device=device, threads=1 if args.dry else 8,
                    eval_tokens=shape.batch_size * shape.seq_len // 2, lr=3e-4)
    task["data"]["options"] = corpus_options(shape.seq_len)

    import accelerate

    device_name = torch.cuda.get_device_name(0) if gpus else platform.processor() or "cpu"
    log(f"gpu_check{' --dry (CPU smoke test)' if args.dry else ''}: {device_name}, {gpus} GPU(s), "
        f"torch {torch.__version__}, accelerate {accelerate.__version__}, python {platform.python_version()}")
    size = model_size(task)
    tokens_per_step = shape.batch_size * shape.seq_len
    log(f"GPT d_model {shape.d_model}, {shape.n_layers} layers, {shape.n_heads} heads, seq {shape.seq_len}: "
        f"{size['n_params']:,} parameters; batch {shape.batch_size} ({tokens_per_step:,} tokens/step), "
        f"{steps} steps, timed after {warmup}; bf16 on GPU; MFU against {args.peak_tflops:g} TFLOP/s")

    figures: dict[str, Any] = {}
    report: dict[str, Any] = {
        "script": "bench/gpu_check.py", "dry": args.dry, "device": device_name, "gpus": gpus,
        "torch": torch.__version__, "accelerate": accelerate.__version__, "python": platform.python_version(),
        "peak_tflops": args.peak_tflops,
        "model": {"d_model": shape.d_model, "n_layers": shape.n_layers, "n_heads": shape.n_heads,
                  "seq_len": shape.seq_len, "vocab_size": 256, **size, "flops_per_token_6n": 6 * size["n_params"]},
        "data": task["data"]["options"], "batch_size": shape.batch_size, "tokens_per_step": tokens_per_step,
        "steps": steps, "warmup_steps": warmup, "budget_s": args.budget_s, "measurements": figures,
    }

    def save() -> None:  # after every measurement: what was measured survives a kill
        report["wall_s"] = time.monotonic() - started
        report["model"]["flops_per_token_measured"] = next(
            (e["flops_per_token_measured"] for e in figures.values() if "flops_per_token_measured" in e), None)
        (out / "gpu_check.json").write_text(json.dumps(report, indent=2) + "\n")

    def left() -> float:
        return deadline - time.monotonic()

    eager_s = 15.0 if args.dry else 25.0  # rough seconds per in-process measurement, for the budget check
    measure("bare", lambda: bare_rate(task, warmup), figures, deadline, eager_s)
    save()
    measure("loop", lambda: loop_rate(task, warmup), figures, deadline, eager_s)
    save()
    measure("bare+item", lambda: bare_rate(task, warmup, sync_every_step=True), figures, deadline, eager_s)
    save()
    # More than one process: Accelerate's launcher, DDP (two ranks) and FSDP (sharded over the
    # GPUs there are; it needs GPUs, so the dry run checks DDP only). Both also checkpoint a
    # run mid-way through Accelerate's state and resume it.
    if gpus >= 2 or args.dry:
        measure("loop 2 ranks", lambda: launched_rate("ddp", ["--multi_gpu", "--num_processes", "2"], task, warmup, out,
                                                      max(30.0, left()), resume_check=True),
                figures, deadline, 45.0 if args.dry else 90.0)
    else:
        log("  loop 2 ranks: skipped, one GPU")
        figures["loop 2 ranks"] = {"ok": False, "error": "skipped: fewer than 2 GPUs"}
    save()
    if gpus >= 1:
        ranks = str(min(2, gpus))
        fsdp = ["--config_file", str(ROOT / "configs" / "accelerate" / "fsdp.yaml"), "--use_fsdp", "--num_processes", ranks]
        measure(f"loop FSDP {ranks}r", lambda: launched_rate("fsdp", fsdp, task, warmup, out, max(30.0, left()),
                                                             resume_check=True),
                figures, deadline, 90.0)
        save()
    # Last, in a process of its own that the budget can stop: compiling takes a minute or more.
    if not args.no_compile:
        measure("loop+compile", lambda: launched_rate("compile", None, with_training(task, compile=True), warmup, out,
                                                      max(20.0, left()), resume_check=False),
                figures, deadline, 20.0 if args.dry else 75.0)
        save()

    flops_per_token = report["model"]["flops_per_token_measured"]
    log("")
    log(table(figures, flops_per_token, size["n_params"], args.peak_tflops))
    log(f"MFU = tokens/s × FLOPs per token ÷ {args.peak_tflops:g} TFLOP/s; FLOPs per token measured by torch "
        f"({flops_per_token:.4g}) or 6N ({6 * size['n_params']:.4g})" if flops_per_token else
        f"MFU 6N = tokens/s × 6N ÷ {args.peak_tflops:g} TFLOP/s (no run measured FLOPs per token)")
    save()
    log(f"wrote {out / 'gpu_check.json'} ({report['wall_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
