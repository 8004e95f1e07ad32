"""Parameter counts measured from the model itself: no `num_params()` contract.

Embedding parameters are those of `nn.Embedding` modules plus learned position tables
(parameters whose name marks them as such); Kaplan et al. (2020) exclude them from N,
Hoffmann et al. (2022) include them. Tied weights are counted once.
"""
from __future__ import annotations

from dataclasses import dataclass

from torch import nn

POSITION_NAMES = ("pos_emb", "position_embedding", "pos_embedding", "wpe", "positional")


@dataclass(frozen=True)
class ParamCounts:
    total: int
    embedding: int

    @property
    def non_embedding(self) -> int:
        return self.total - self.embedding


def count_parameters(model: nn.Module) -> ParamCounts:
    seen: set[int] = set()
    embedding_ids: set[int] = set()
    for module in model.modules():
        if isinstance(module, nn.Embedding):
            embedding_ids.update(id(p) for p in module.parameters(recurse=False))
    for name, param in model.named_parameters():
        if any(marker in name.lower() for marker in POSITION_NAMES):
            embedding_ids.add(id(param))
    total = embedding = 0
    for param in model.parameters():  # named_parameters/parameters skip duplicates (tied weights)
        if id(param) in seen:
            continue
        seen.add(id(param))
        total += param.numel()
        if id(param) in embedding_ids:
            embedding += param.numel()
    return ParamCounts(total=total, embedding=embedding)
