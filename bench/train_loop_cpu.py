"""flops-fit's training loop against a bare PyTorch loop on CPU, side by side.

    .venv/bin/python bench/train_loop_cpu.py                 # d_model 32, 64, 128; 3 rounds of 60 steps
    .venv/bin/python bench/train_loop_cpu.py --sizes 64 --rounds 5 --threads 2

The loop (`flops_fit_worker.training.train`: Accelerate's Accelerator, micro-batch
accumulation, losses read back in windows, progress reports) and a hand-written loop of the
same run (same GPT, initial weights, batches, AdamW, LR schedule and clipping) train the
built-in GPT (2 layers, seq 128, batch 32) on the standard library's sources. Each is timed
after its warm-up steps by the wall clock and by the process's CPU time; they take turns in
a shuffled order round by round, and the ratio to the bare loop is the median over the
rounds of each round's own ratio, with its quartiles, so that the slow drifts of a shared
machine's load cancel within a round. docs/training.md holds the figures measured on the
development machine.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys

from typing import Callable

from loops import Rate, bare_rate, gpt_task, loop_rate, with_training


def summarise(ratios: list[float]) -> str:
    """Median [first quartile, third quartile] of paired ratios."""
    if len(ratios) < 2:
        return f"{ratios[0]:.3f}"
    low, mid, high = statistics.quantiles(ratios, n=4)
    return f"{mid:.3f} [{low:.3f}, {high:.3f}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[32, 64, 128], help="d_model values")
    parser.add_argument("--rounds", type=int, default=3, help="alternating measurements of each loop per size")
    parser.add_argument("--steps", type=int, default=60, help="optimiser steps per measurement")
    parser.add_argument("--warmup", type=int, default=10, help="steps not timed at the start")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--micro-batch-size", type=int, default=None,
                        help="also time the loop with this micro-batch size (gradient accumulation)")
    args = parser.parse_args(argv)

    print(f"GPT, 2 layers, seq 128, batch 32, {args.steps} steps ({args.warmup} warm-up), {args.threads} thread(s), "
          f"{args.rounds} rounds in shuffled order. tokens/s: medians; ratio to the bare loop: the median of the "
          f"rounds' paired ratios [quartiles]; by wall clock and by the process's CPU time", flush=True)
    variants = ["bare loop", "flops-fit"] + ([f"accum. mb {args.micro_batch_size}"] if args.micro_batch_size else [])
    print(f"{'d_model':>7} {'clock':>5} " + " ".join(f"{v:>15}" for v in variants) + "   " +
          "   ".join(f"{v + ' / bare':>24}" for v in variants[1:]), flush=True)
    shuffler = random.Random(0)
    for d_model in args.sizes:
        task = gpt_task(d_model=d_model, n_layers=2, n_heads=4, seq_len=128, batch_size=32, steps=args.steps,
                        device="cpu", threads=args.threads)
        runs: list[Callable[[], Rate]] = [lambda: bare_rate(task, args.warmup), lambda: loop_rate(task, args.warmup)]
        if args.micro_batch_size:
            split = with_training(task, micro_batch_size=args.micro_batch_size)
            runs.append(lambda: loop_rate(split, args.warmup))
        rates: list[list[Rate]] = [[] for _ in runs]
        order = list(range(len(runs)))
        for _ in range(args.rounds):
            shuffler.shuffle(order)  # no variant always runs first (after another's allocations)
            for i in order:
                rates[i].append(runs[i]())
        for clock, pick in (("wall", lambda r: r.tokens_per_s), ("cpu", lambda r: r.tokens_per_cpu_s)):
            medians = [statistics.median(pick(r) for r in variant) for variant in rates]
            paired = [summarise([pick(v) / pick(b) for v, b in zip(variant, rates[0])]) for variant in rates[1:]]
            print(f"{d_model:>7} {clock:>5} " + " ".join(f"{m:>15,.0f}" for m in medians) + "   " +
                  "   ".join(f"{p:>24}" for p in paired), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
