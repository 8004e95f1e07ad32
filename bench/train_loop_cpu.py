"""flops-fit's training loop against a bare PyTorch loop on CPU, side by side.

    .venv/bin/python bench/train_loop_cpu.py                 # d_model 32, 64, 128; 3 rounds of 60 steps
    .venv/bin/python bench/train_loop_cpu.py --sizes 64 --rounds 5 --threads 2

The loop (`flops_fit_worker.training.train`: Accelerate's Accelerator, micro-batch
accumulation, losses read back in windows, progress reports) and a hand-written loop of the
same run (same GPT, initial weights, batches, AdamW, LR schedule and clipping) train the
built-in GPT (2 layers, seq 128, batch 32) on the standard library's sources. Each is timed
after its warm-up steps by the wall clock and by the process's CPU time, each measurement in
a fresh process; they take turns in a shuffled order round by round, and the ratio to the bare loop is the median over the
rounds of each round's own ratio, with its quartiles, so that the slow drifts of a shared
machine's load cancel within a round. docs/training.md holds the figures measured on the
development machine.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys

from typing import Callable

from loops import Rate, bare_rate, gpt_task, loop_rate, with_training


def summarise(ratios: list[float]) -> str:
    """Median [first quartile, third quartile] of paired ratios."""
    if len(ratios) < 2:
        return f"{ratios[0]:.3f}"
    low, mid, high = statistics.quantiles(ratios, n=4)
    return f"{mid:.3f} [{low:.3f}, {high:.3f}]"


def measure_once(variant: str, d_model: int, steps: int, warmup: int, threads: int, micro: int | None) -> Rate:
    """One measurement (in a fresh process: no run inherits another's heap or caches)."""
    task = gpt_task(d_model=d_model, n_layers=2, n_heads=4, seq_len=128, batch_size=32, steps=steps, device="cpu",
                    threads=threads)
    if variant in ("bare", "bare-glibc"):
        return bare_rate(task, warmup, tuned_malloc=variant == "bare")
    return loop_rate(with_training(task, micro_batch_size=micro) if variant == "accum" else task, warmup)


def in_fresh_process(variant: str, d_model: int, args: argparse.Namespace) -> Rate:
    command = [sys.executable, __file__, "--one", variant, "--sizes", str(d_model), "--steps", str(args.steps),
               "--warmup", str(args.warmup), "--threads", str(args.threads)]
    if args.micro_batch_size:
        command += ["--micro-batch-size", str(args.micro_batch_size)]
    run = subprocess.run(command, capture_output=True, text=True, check=True)
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    return Rate(figures["tokens_per_s"], figures["step_s"], figures["measured_steps"],
                tokens_per_cpu_s=figures["tokens_per_cpu_s"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[32, 64, 128], help="d_model values")
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each loop per size")
    parser.add_argument("--steps", type=int, default=60, help="optimiser steps per measurement")
    parser.add_argument("--warmup", type=int, default=10, help="steps not timed at the start")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--micro-batch-size", type=int, default=None,
                        help="also time the loop with this micro-batch size (gradient accumulation)")
    parser.add_argument("--malloc-effect", action="store_true",
                        help="also time the bare loop with glibc's default malloc settings")
    parser.add_argument("--one", choices=["bare", "bare-glibc", "loop", "accum"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        rate = measure_once(args.one, args.sizes[0], args.steps, args.warmup, args.threads, args.micro_batch_size)
        print(json.dumps({"tokens_per_s": rate.tokens_per_s, "step_s": rate.step_s,
                          "measured_steps": rate.measured_steps, "tokens_per_cpu_s": rate.tokens_per_cpu_s}))
        return 0

    print(f"GPT, 2 layers, seq 128, batch 32, {args.steps} steps ({args.warmup} warm-up), {args.threads} thread(s), "
          f"{args.rounds} rounds in shuffled order, each measurement in a fresh process. tokens/s: medians; ratio to "
          f"the bare loop: the median of the rounds' paired ratios [quartiles]; by wall clock and by the process's "
          f"CPU time", flush=True)
    variants = ["bare", "loop"] + (["accum"] if args.micro_batch_size else []) + \
        (["bare-glibc"] if args.malloc_effect else [])
    names = {"bare": "bare loop", "loop": "flops-fit", "accum": f"accum. mb {args.micro_batch_size}",
             "bare-glibc": "bare, glibc dflt"}
    print(f"{'d_model':>7} {'clock':>5} " + " ".join(f"{names[v]:>16}" for v in variants) + "   " +
          "   ".join(f"{names[v] + ' / bare':>24}" for v in variants[1:]), flush=True)
    shuffler = random.Random(0)
    for d_model in args.sizes:
        rates: dict[str, list[Rate]] = {v: [] for v in variants}
        order = list(variants)
        for _ in range(args.rounds):
            shuffler.shuffle(order)
            for variant in order:
                rates[variant].append(in_fresh_process(variant, d_model, args))
        clocks: list[tuple[str, Callable[[Rate], float]]] = [("wall", lambda r: r.tokens_per_s),
                                                              ("cpu", lambda r: r.tokens_per_cpu_s)]
        for clock, pick in clocks:
            medians = [statistics.median(pick(r) for r in rates[v]) for v in variants]
            paired = [summarise([pick(a) / pick(b) for a, b in zip(rates[v], rates["bare"])]) for v in variants[1:]]
            print(f"{d_model:>7} {clock:>5} " + " ".join(f"{m:>16,.0f}" for m in medians) + "   " +
                  "   ".join(f"{p:>24}" for p in paired), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
