"""`--mock`: the loss comes from a known Chinchilla-form surface instead of training.

    L(N, D) = E + A / N^alpha + B / D^beta,   times exp(noise * z), z ~ N(0, 1)

seeded by the experiment id, so a run gives the same loss on every attempt. With
`lr_optimum: {c, k, weight}` the learning rate matters too: the loss is multiplied by
1 + weight * ln(lr / eta*)^2 with eta*(N) = c * N^-k, a known optimum rule that
`training.lr: calibrate` must recover. With the
defaults (Hoffmann et al. 2022 Approach 3: E=1.69, A=406.4, B=410.7, alpha=0.34,
beta=0.28) the true compute-optimal exponent is a = beta/(alpha+beta) = 0.4516.
Everything else in the task — building the model, counting its parameters, token
accounting, progress messages — is the real path.
"""
from __future__ import annotations

import hashlib
import math
import random
import time
from typing import Callable

from .messages import CurvePoint, MockSurface


def surface_loss(surface: MockSurface, n_params: float, n_tokens: float) -> float:
    return surface["E"] + surface["A"] / n_params ** surface["alpha"] + surface["B"] / n_tokens ** surface["beta"]


def lr_penalty(surface: MockSurface, n_params: float, lr: float) -> float:
    """The relative excess loss weight * ln(lr / eta*(N))^2 for a surface with `lr_optimum`, else 0."""
    optimum = surface.get("lr_optimum")
    if not optimum:
        return 0.0
    best = float(optimum["c"]) * n_params ** -float(optimum["k"])
    return float(optimum["weight"]) * math.log(lr / best) ** 2


def noisy_loss(surface: MockSurface, n_params: float, n_tokens: float, experiment_id: str, lr: float | None = None) -> float:
    seed = int.from_bytes(hashlib.sha256(experiment_id.encode()).digest()[:8], "big")
    z = random.Random(seed).gauss(0.0, 1.0)
    penalty = lr_penalty(surface, n_params, lr) if lr is not None else 0.0
    return surface_loss(surface, n_params, n_tokens) * (1.0 + penalty) * math.exp(surface["noise"] * z)


def mock_curve(surface: MockSurface, n_params: float, n_tokens: float, points: int = 20) -> list[CurvePoint]:
    """A plausible training curve: the surface's loss at the tokens seen so far."""
    curve: list[CurvePoint] = []
    for i in range(1, points + 1):
        tokens = n_tokens * i / points
        curve.append({"step": i, "tokens": tokens, "train_loss": surface_loss(surface, n_params, tokens)})
    return curve


def simulate(surface: MockSurface, total_steps: int, tokens_per_step: float,
             progress: Callable[[int, float, float | None], None], cancelled: Callable[[], bool]) -> bool:
    """Spend `delay_s` pretending to train, reporting progress; False when cancelled."""
    delay = float(surface.get("delay_s", 0.0))
    ticks = max(1, min(total_steps, 20)) if delay > 0 else 1
    for tick in range(1, ticks + 1):
        if cancelled():
            return False
        if delay > 0:
            time.sleep(delay / ticks)
        step = round(total_steps * tick / ticks)
        progress(step, step * tokens_per_step, None)
    return True
