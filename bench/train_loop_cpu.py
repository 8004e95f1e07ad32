"""flops-fit's training loop against a bare PyTorch loop on CPU, side by side.

    .venv/bin/python bench/train_loop_cpu.py                 # d_model 32, 64, 128; 3 rounds
    .venv/bin/python bench/train_loop_cpu.py --sizes 64 --rounds 5 --threads 2

The loop (`flops_fit_worker.training.train`: Accelerate's Accelerator, micro-batch
accumulation, losses read back in windows, progress reports) and a hand-written loop of the
same run (same GPT, initial weights, batches, AdamW, LR schedule and clipping) train the
built-in GPT (2 layers, seq 128, batch 32) on the standard library's sources; each is timed
after its warm-up steps, by the wall clock and by the process's CPU time (steadier when
other processes share the cores), the loops take turns in a shuffled order round by round
so that a busy machine slows them alike, and the median tokens/s of each and the ratios to
the bare loop are printed. docs/training.md holds
the figures measured on the development machine.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys

from typing import Callable

from loops import Rate, bare_rate, gpt_task, loop_rate, with_training


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
          f"{args.rounds} alternating rounds; median tokens per second of wall time and per second of the "
          f"process's CPU time (steadier when other processes share the cores)", flush=True)
    variants = ["bare loop", "flops-fit"] + ([f"accum. mb {args.micro_batch_size}"] if args.micro_batch_size else [])
    print(f"{'d_model':>7} {'clock':>5} " + " ".join(f"{v:>15}" for v in variants) + " " +
          " ".join(f"{'ratio ' + str(i):>8}" for i in range(1, len(variants))), flush=True)
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
            ratios = [m / medians[0] for m in medians[1:]]
            print(f"{d_model:>7} {clock:>5} " + " ".join(f"{m:>15,.0f}" for m in medians) + " " +
                  " ".join(f"{r:>8.3f}" for r in ratios), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
