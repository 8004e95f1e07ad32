"""How long a probe's FLOP measurement takes: 40 GPT sizes, as `planning.size_values` count 40 asks.

    .venv/bin/python bench/probe-flops.py            # from the project root

Each size is measured with torch's FLOP counter on one real training step
(flops_fit_worker.flops.measure_flops_per_token). A probe measures only the sizes the plan
chose, but a wide plan can choose dozens; this prints what that costs on this machine.
(It used to be a timed unit test; timings belong in benchmarks, where a loaded machine
makes a slow figure rather than a red build.)
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "py_runtime")]

from flops_fit_worker.flops import measure_flops_per_token  # noqa: E402
from flops_fit_worker.losses import next_token_cross_entropy  # noqa: E402
from plugins.gpt.data import ByteCorpus  # noqa: E402
from plugins.gpt.model import GPT  # noqa: E402


def main() -> None:
    data = ByteCorpus(seq_len=128)  # the default stdlib corpus, as a probe would use
    sizes = list(range(16, 336, 8))
    started = time.monotonic()
    per_token = []
    for d_model in sizes:
        per_token.append(measure_flops_per_token(GPT(d_model, n_layers=2, n_heads=4, seq_len=128), data, next_token_cross_entropy))
    elapsed = time.monotonic() - started
    print(f"measured FLOPs per token at {len(sizes)} GPT sizes (d_model {sizes[0]}..{sizes[-1]}, 2 layers, seq 128)")
    print(f"  total {elapsed:.2f} s, {1000 * elapsed / len(sizes):.0f} ms per size  (load average {os.getloadavg()[0]:.1f})")
    print(f"  FLOPs/token: {per_token[0]:.3g} at d_model {sizes[0]} .. {per_token[-1]:.3g} at d_model {sizes[-1]}")


if __name__ == "__main__":
    main()
