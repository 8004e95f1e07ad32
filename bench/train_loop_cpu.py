"""flops-fit's training loop against a bare PyTorch loop on CPU, side by side.

    .venv/bin/python bench/train_loop_cpu.py                 # d_model 32, 64, 128; 3 rounds
    .venv/bin/python bench/train_loop_cpu.py --sizes 64 --rounds 5 --threads 2

The loop (`flops_fit_worker.training.train`: Accelerate's Accelerator, micro-batch
accumulation, losses read back in windows, progress reports) and a hand-written loop of the
same run (same GPT, initial weights, batches, AdamW, LR schedule and clipping) train the
built-in GPT (2 layers, seq 128, batch 32) on the standard library's sources; each is timed
after its warm-up steps, the two alternate round by round so that a busy machine slows both
alike, and the median tokens/s of each and their ratio are printed. docs/training.md holds
the figures measured on the development machine.
"""
from __future__ import annotations

import argparse
import statistics
import sys

from loops import bare_rate, gpt_task, loop_rate, with_training


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
          f"{args.rounds} alternating rounds; median tokens/s", flush=True)
    header = f"{'d_model':>7} {'bare loop':>11} {'flops-fit':>11} {'ratio':>6}"
    if args.micro_batch_size:
        header += f" {'accum. (mb ' + str(args.micro_batch_size) + ')':>16} {'ratio':>6}"
    print(header, flush=True)
    for d_model in args.sizes:
        task = gpt_task(d_model=d_model, n_layers=2, n_heads=4, seq_len=128, batch_size=32, steps=args.steps,
                        device="cpu", threads=args.threads)
        split = with_training(task, micro_batch_size=args.micro_batch_size) if args.micro_batch_size else None
        bare, loop, accumulated = [], [], []
        for _ in range(args.rounds):
            bare.append(bare_rate(task, args.warmup).tokens_per_s)
            loop.append(loop_rate(task, args.warmup).tokens_per_s)
            if split is not None:
                accumulated.append(loop_rate(split, args.warmup).tokens_per_s)
        b, f = statistics.median(bare), statistics.median(loop)
        line = f"{d_model:>7} {b:>11,.0f} {f:>11,.0f} {f / b:>6.3f}"
        if accumulated:
            a = statistics.median(accumulated)
            line += f" {a:>16,.0f} {a / b:>6.3f}"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
