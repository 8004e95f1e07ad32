"""Token data, measured: the tokenizer's throughput, the token-shard loader's, and the built-in
GPT's training speed on the same tokens, side by side (docs/tokenize.md holds the figures).

    .venv/bin/python bench/token_loader.py                       # the stdlib's sources, bpe:4096
    .venv/bin/python bench/token_loader.py --rounds 5 --sizes 32 64

1. Tokenizer: a byte-level BPE of 4096 tokens trained on the standard library's top-level
   sources (4.7 MB), then encoding that text one document at a time (`Tokenizer.encode`, one
   core) and in batches (`encode_batch_fast`, all cores): MB of text per second, median of
   the rounds; and `python -m flops_fit_worker.tokenizing` end to end (read, hash, train, encode,
   write shards), from its manifest.
2. Loader: `source: tokens` batches (`TokenShards.train_batches`: random windows of seq_len+1
   from the memory-mapped shards into an int64 batch tensor, pinned when CUDA is present, as the
   training loop hands it to the GPU) on the stdlib's tokens and on a 64M-token shard (128 MB),
   in this one process: tokens (batch × seq_len) per second.
3. Training: flops-fit's loop (`flops_fit_worker.training.train`) on the same tokens, GPT of
   2 layers at each d_model, batch 32, seq 128, vocabulary 4096: tokens per second after warm-up.

The loader must not be what a GPU waits on: at least 10 M tokens/s in one process (a 10 M-parameter
model at 45 % MFU on one H100 consumes about 7 M tokens/s).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from loops import ROOT, gpt_task, loop_rate

import numpy as np  # noqa: E402
import torch  # noqa: E402

from flops_fit_worker.tokenizing.inputs import documents, find_sources  # noqa: E402
from flops_fit_worker.tokenizing.tokenizer import train_bpe  # noqa: E402
from plugins.gpt.tokens import TokenShards  # noqa: E402

TARGET_TOKENS_PER_S = 10e6
SYNTHETIC_TOKENS = 1 << 26


def median(values: list[float]) -> float:
    return statistics.median(values)


def tokenizer_rates(rounds: int) -> dict[str, float]:
    texts = [doc.text for doc in documents(find_sources(["stdlib:"]), "text")]
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    started = time.perf_counter()
    tokenizer = train_bpe(4096, iter(texts))
    train_s = time.perf_counter() - started
    one, batched = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            tokenizer.encode(text, add_special_tokens=False)
        one.append(megabytes / (time.perf_counter() - started))
        started = time.perf_counter()
        tokenizer.encode_batch_fast(texts, add_special_tokens=False)
        batched.append(megabytes / (time.perf_counter() - started))
    return {"megabytes": megabytes, "bpe_train_s": train_s, "one_at_a_time_mb_s": median(one), "batched_mb_s": median(batched)}


def tokenize_end_to_end(out: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'py_runtime'}:{ROOT}"}
    run = subprocess.run([sys.executable, "-m", "flops_fit_worker.tokenizing", "stdlib:", "--tokenizer", "bpe:4096",
                          "--out", str(out)], capture_output=True, text=True, check=True, env=env)
    manifest = json.loads(run.stdout.strip().splitlines()[-1])["manifest"]
    seconds = manifest["provenance"]["seconds"]
    return {"seconds": seconds, "mb_s": manifest["inputs"]["bytes"] / 1e6 / seconds, "tokens": manifest["tokens"],
            "tokens_per_byte": manifest["tokens_per_byte"]}


def loader_rate(data: TokenShards, batch_size: int, seconds: float, rounds: int) -> float:
    """Median tokens/s over `rounds` stretches of about `seconds` each."""
    pin = torch.cuda.is_available()
    batches = data.train_batches(batch_size, seed=0)
    rates = []
    for _ in range(rounds):
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            for _ in range(50):
                inputs, targets = next(batches)
                if pin:
                    inputs, targets = inputs.pin_memory(), targets.pin_memory()
                count += inputs.numel()
        rates.append(count / (time.perf_counter() - started))
    return median(rates)


def synthetic_shard(folder: Path) -> Path:
    path = folder / "synthetic.bin"
    np.random.default_rng(0).integers(0, 4096, size=SYNTHETIC_TOKENS, dtype=np.uint16).tofile(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[32, 64, 128], help="d_model of the trained GPTs")
    parser.add_argument("--steps", type=int, default=40, help="training steps per size (the first 10 are warm-up)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.2f} at start; torch {torch.__version__}, "
          f"CUDA {'yes' if torch.cuda.is_available() else 'no'}")
    figures: dict[str, Any] = {"cores": os.cpu_count(), "load_at_start": load}

    rates = tokenizer_rates(args.rounds)
    figures["tokenizer"] = rates
    print(f"\ntokenizer (bpe:4096 on the stdlib's {rates['megabytes']:.1f} MB; BPE trained in {rates['bpe_train_s']:.1f} s)")
    print(f"  one document at a time  {rates['one_at_a_time_mb_s']:6.2f} MB/s")
    print(f"  parallel batches        {rates['batched_mb_s']:6.2f} MB/s  ({rates['batched_mb_s'] / rates['one_at_a_time_mb_s']:.2f}x)")
    with tempfile.TemporaryDirectory(prefix="ff-bench-tokens-") as tmp:
        folder = Path(tmp) / "stdlib-bpe4096"
        whole = tokenize_end_to_end(folder)
        figures["tokenize_command"] = whole
        print(f"  flops-fit tokenize, end to end: {whole['seconds']:.1f} s, {whole['mb_s']:.2f} MB/s, "
              f"{whole['tokens']:,} tokens ({whole['tokens_per_byte']:.3f} per byte)")

        stdlib = TokenShards(path=str(folder), seq_len=128)
        synthetic = TokenShards(path=str(synthetic_shard(Path(tmp))), seq_len=128, dtype="uint16", vocab_size=4096)
        print(f"\nloader (random windows, seq 128, into an int64 batch tensor{', pinned' if torch.cuda.is_available() else ''}; one process)")
        figures["loader"] = []
        for name, data in (("stdlib tokens (2.5 MB)", stdlib), ("synthetic 64M tokens (128 MB)", synthetic)):
            for batch_size in (32, 256):
                rate = loader_rate(data, batch_size, 1.0, args.rounds)
                figures["loader"].append({"data": name, "batch_size": batch_size, "tokens_per_s": rate})
                verdict = "ok" if rate >= TARGET_TOKENS_PER_S else "BELOW 10 M tokens/s"
                print(f"  {name:30s} batch {batch_size:4d}  {rate / 1e6:8.1f} M tokens/s  {verdict}")

        print(f"\ntraining (flops-fit's loop, GPT 2 layers, batch 32, seq 128, vocabulary 4096, {args.threads} threads)")
        figures["training"] = []
        slowest_loader = min(entry["tokens_per_s"] for entry in figures["loader"])
        for d_model in args.sizes:
            task = gpt_task(d_model=d_model, n_layers=2, n_heads=4, seq_len=128, batch_size=32, steps=args.steps,
                            device="cuda" if torch.cuda.is_available() else "cpu", threads=args.threads)
            task["data"] = {"target": "plugins.gpt.data:ByteCorpus",
                            "options": {"source": "tokens", "path": str(folder), "seq_len": 128}}
            trained = loop_rate(task, warmup_steps=10)
            figures["training"].append({"d_model": d_model, "n_params": trained.result["n_params"] if trained.result else None,
                                        "tokens_per_s": trained.tokens_per_s})
            print(f"  d_model {d_model:4d}  {trained.tokens_per_s:10,.0f} tokens/s   the slowest loader figure is "
                  f"{slowest_loader / trained.tokens_per_s:,.0f}x that")
    figures["load_at_end"] = os.getloadavg()[0]
    print(f"\nload average at the end: {figures['load_at_end']:.2f}")
    print(json.dumps(figures))
    return 0 if slowest_loader >= TARGET_TOKENS_PER_S else 1


if __name__ == "__main__":
    sys.exit(main())
