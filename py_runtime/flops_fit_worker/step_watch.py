"""Training losses read back from the device in windows, so a GPU never waits for the host.

    watch = StepWatch(accelerator, every=8, lag=1)
    watch.add(loss)                                   # each step: the loss stays on the device
    if watch.due():
        for window in watch.close(votes=[cancel, checkpoint_due]):
            ...                                       # losses and summed votes of earlier steps

Reading a loss with `.item()` after every step makes the host wait until the GPU has
finished that step, so the GPU idles while the host prepares the next one. Instead each
step's loss is appended to a device tensor list; every `every` steps the window is stacked,
summed over ranks together with the host's votes (rank 0's "cancel", "checkpoint now") in
one all-reduce, and copied to the host without blocking. With `lag = 1` a window is read
only when the next one closes, by which time the GPU has long finished it: divergence and
cancellation are noticed at most 2·`every` steps late, and every rank decides at the same
step (the decisions come from the same reduced numbers), which is what keeps a process
group in step. On CPU nothing is asynchronous anyway: `every = 1, lag = 0` reads each step
at once, as a plain loop would.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch


@dataclass
class Window:
    first_step: int           # 0-based index of the window's first optimiser step
    losses: list[float]       # the mean training loss over all ranks, one per step
    votes: list[float]        # the host votes, summed over ranks


@dataclass
class _InFlight:
    first_step: int
    count: int
    host: torch.Tensor
    event: Any                # a torch.cuda.Event, or None when the copy was synchronous


class StepWatch:
    def __init__(self, accelerator: Any, first_step: int, every: int, lag: int) -> None:
        self.accelerator = accelerator
        self.every = max(1, every)
        self.lag = max(0, lag)
        self.next_step = first_step       # index of the next step whose loss is added
        self.pending: list[torch.Tensor] = []
        self.in_flight: list[_InFlight] = []

    @classmethod
    def for_device(cls, accelerator: Any, first_step: int, device: torch.device) -> StepWatch:
        """Every step at once on CPU; on a GPU, windows of 8 steps read one window late."""
        if device.type == "cuda":
            return cls(accelerator, first_step, every=8, lag=1)
        return cls(accelerator, first_step, every=1, lag=0)

    def add(self, loss: torch.Tensor) -> None:
        self.pending.append(loss.detach().reshape(()).float())

    def due(self) -> bool:
        return len(self.pending) >= self.every

    def close(self, votes: list[float]) -> list[Window]:
        """Close the pending window (with the host's votes) and return the windows now
        readable: all but the newest `lag` closed ones. Collective: every rank calls it at
        the same step with the same number of pending losses."""
        self._launch(votes)
        ready = self.in_flight[: max(0, len(self.in_flight) - self.lag)]
        self.in_flight = self.in_flight[len(ready):]
        return [self._read(flight) for flight in ready]

    def drain(self, votes: list[float]) -> list[Window]:
        """Close the pending window and wait for every window still in flight."""
        self._launch(votes)
        ready, self.in_flight = self.in_flight, []
        return [self._read(flight) for flight in ready]

    def _launch(self, votes: list[float]) -> None:
        device = self.accelerator.device
        votes_tensor = torch.tensor(votes, dtype=torch.float32)
        if device.type == "cuda":
            # From pinned memory without blocking: a plain host-to-device copy waits for the
            # GPU's queue to drain, the very sync this class exists to avoid.
            votes_tensor = votes_tensor.pin_memory().to(device, non_blocking=True)
        count = len(self.pending)
        payload = torch.cat([torch.stack(self.pending), votes_tensor]) if count else votes_tensor
        if self.accelerator.num_processes > 1:
            payload = self.accelerator.reduce(payload, reduction="sum")
        if payload.device.type == "cuda":
            host = torch.empty(payload.shape, dtype=payload.dtype, pin_memory=True)
            host.copy_(payload, non_blocking=True)
            event = torch.cuda.Event()
            event.record()
        else:
            host, event = payload, None
        self.in_flight.append(_InFlight(self.next_step, count, host, event))
        self.next_step += count
        self.pending = []

    def _read(self, flight: _InFlight) -> Window:
        if flight.event is not None:
            flight.event.synchronize()
        values = flight.host.tolist()
        world = self.accelerator.num_processes
        return Window(flight.first_step, [v / world for v in values[: flight.count]], values[flight.count:])
