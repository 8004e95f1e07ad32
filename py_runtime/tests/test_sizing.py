"""Size proposals (sizing.py, `plugins init`): only sizes seen to work are proposed, and the
constraint that set the step is named. The toy below fails as Qwen2 with 2 heads did: rotary
embeddings need an even head dimension, while a head dimension of 1 passes by broadcasting —
so the two samples 3 and 5 used to propose every width, and widths 14, 34, 58, 70 then failed."""
from __future__ import annotations

from typing import Any, Iterator

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from flops_fit_worker.sizing import grid, propose_size_values

VOCAB = 32


class RotaryNet(nn.Module):
    """Attention with rotary embeddings on q and k, head_dim = width // n_heads (as Hugging Face's)."""

    def __init__(self, width: int, n_heads: int = 2, vocab_size: int = VOCAB) -> None:
        super().__init__()
        self.heads, self.head_dim = n_heads, width // n_heads
        inner = n_heads * self.head_dim
        self.emb = nn.Embedding(vocab_size, width)
        self.q, self.k, self.v = (nn.Linear(width, inner) for _ in range(3))
        self.o = nn.Linear(inner, width)
        self.out = nn.Linear(width, vocab_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.emb(x)
        b, t, _ = h.shape
        q, k, v = (proj(h).view(b, t, self.heads, self.head_dim).transpose(1, 2) for proj in (self.q, self.k, self.v))
        inv = 1.0 / (10000 ** (torch.arange(0, self.head_dim, 2).float() / self.head_dim))
        angles = torch.arange(t).float()[:, None] * inv[None]
        angles = torch.cat((angles, angles), dim=-1)
        cos, sin = angles.cos(), angles.sin()

        def rotate(z: torch.Tensor) -> torch.Tensor:
            half = z.shape[-1] // 2
            return torch.cat((-z[..., half:], z[..., :half]), dim=-1)

        q, k = q * cos + rotate(q) * sin, k * cos + rotate(k) * sin  # an odd head_dim > 1 does not broadcast
        attended = torch.softmax(q @ k.transpose(-1, -2), dim=-1) @ v
        return self.out(self.o(attended.transpose(1, 2).reshape(b, t, -1)))


class Tokens:
    tokens_per_sample = 6

    def train_batches(self, batch_size: int, seed: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        generator = torch.Generator().manual_seed(seed)
        while True:
            x = torch.randint(0, VOCAB, (batch_size, 7), generator=generator)
            yield x[:, :-1], x[:, 1:]


def loss(outputs: Any, targets: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(outputs.reshape(-1, VOCAB), targets.reshape(-1))


def trains(width: int, n_heads: int = 2) -> bool:
    try:
        x, y = next(Tokens().train_batches(2, 0))
        loss(RotaryNet(width, n_heads)(x), y).backward()
        return True
    except RuntimeError:
        return False


def test_two_samples_would_pass_what_fails_elsewhere() -> None:
    assert trains(3) and trains(5)  # head_dim 1 broadcasts: the old 3·step and 5·step test accepted step 1
    assert not trains(14) and not trains(10)  # head_dim 7, 5: odd


def test_every_proposed_width_trains_and_the_even_head_dimension_is_named() -> None:
    proposal = propose_size_values(RotaryNet, "width", {}, data=Tokens(), loss_fn=loss, max_params=2e6)
    assert proposal["multiple_of"] == 4 and proposal["checked"] == "step"
    values = grid(proposal["min"], proposal["max"], proposal["count"], proposal["multiple_of"])
    assert proposal["tried"] == len(values) and all(trains(width) for width in values)
    assert proposal["constraint"].startswith("even head dimension: width / 2 heads must be even, so width is a multiple of 4 (width=10 failed: RuntimeError")


def test_head_divisibility_is_named_when_the_width_must_divide_by_the_heads() -> None:
    def divisible(width: int, n_heads: int = 6) -> nn.Module:
        if width % n_heads:
            raise ValueError(f"width {width} is not divisible by n_heads {n_heads}")
        return nn.Linear(width, width)
    proposal = propose_size_values(divisible, "width", {}, max_params=1e7)
    assert proposal["multiple_of"] == 6 and proposal["checked"] == "build"
    assert proposal["constraint"].startswith("head divisibility: width must be divisible by the 6 heads (width=8 failed: ValueError")


def test_a_model_that_takes_every_size_has_no_constraint() -> None:
    proposal = propose_size_values(lambda width: nn.Linear(width, 3), "width", {}, max_params=1e7)
    assert proposal["multiple_of"] == 1 and proposal["constraint"] is None


@pytest.mark.parametrize("spec, expected", [((8, 512, 24, 8), None), ((12, 768, 24, 12), None), ((4, 256, 5, 4), [4, 12, 32, 92, 256])])
def test_grid_is_the_planners_candidate_sizes(spec: tuple[int, int, int, int], expected: list[int] | None) -> None:
    low, high, count, step = spec
    values = grid(low, high, count, step)
    assert values[0] == low and values[-1] == high and all(v % step == 0 for v in values)
    if expected is not None:
        assert values == expected
