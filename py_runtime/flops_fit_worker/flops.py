"""Training FLOPs per token, counted by torch on one real step of the model itself.

    flops_per_token = FLOPs(forward + backward of one batch) / tokens in the batch

C ≈ 6·N·D (Kaplan et al. 2020, arXiv:2001.08361, §2.1: 2N forward + 4N backward per token)
ignores attention (≈ 12·n_layers·d_model·seq_len per token, fwd+bwd) and counts embedding
lookups that cost nothing; for the small models of a CPU sweep both matter, so each run's
compute is *measured* and recorded beside the 6ND estimate (docs/methods.md §1).

torch.utils.flop_counter counts matrix products (mm, addmm, bmm, convolutions and fused
attention, each multiply-add = 2 FLOPs); element-wise work (softmax, norms, activations,
the optimiser) is not counted, as in Kaplan's and Chinchilla's accounting. Attention is
counted over the full seq_len² score matrix, causal mask or not, and its fused backward
includes the recomputation of the scores that the kernel really does: 14·n_layers·d·seq_len
per token instead of the textbook 12.
"""
from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.utils import flop_counter
from torch.utils.flop_counter import FlopCounterMode

from .data_utils import rows, to_device
from .losses import LossFn, forward_loss

aten = torch.ops.aten


def _register_cpu_attention() -> None:
    """Teach the counter CPU's fused attention kernels (torch 2.13 counts only the CUDA ones):
    torch's own formulas for the CUDA kernels (sdpa_flop_count, sdpa_backward_flop_count)."""
    forward = getattr(aten, "_scaled_dot_product_flash_attention_for_cpu", None)
    backward = getattr(aten, "_scaled_dot_product_flash_attention_for_cpu_backward", None)
    if forward is not None and forward not in flop_counter.flop_registry:
        @flop_counter.register_flop_formula(forward)
        def _cpu_sdpa(query_shape: Any, key_shape: Any, value_shape: Any, *args: Any, out_shape: Any = None,
                      **kwargs: Any) -> int:
            return int(flop_counter.sdpa_flop_count(query_shape, key_shape, value_shape))
    if backward is not None and backward not in flop_counter.flop_registry:
        @flop_counter.register_flop_formula(backward)
        def _cpu_sdpa_backward(grad_out_shape: Any, query_shape: Any, key_shape: Any, value_shape: Any, *args: Any,
                               out_shape: Any = None, **kwargs: Any) -> int:
            return int(flop_counter.sdpa_backward_flop_count(grad_out_shape, query_shape, key_shape, value_shape))


_register_cpu_attention()


def measure_flops_per_token(model: nn.Module, data: Any, loss_fn: LossFn | None, batch_size: int = 2) -> float:
    """Forward+backward FLOPs per token of `model` on a small real batch from `data`.

    Runs one step without an optimiser update: the weights are unchanged and the gradients
    are cleared afterwards. The batch comes from `data.train_batches(batch_size, seed=0)`, on
    the model's own device; a token is what `data.tokens_per_sample` counts (one image = one
    token for the image plugins). Costs about one training step of `batch_size` samples.
    """
    device = next((p.device for p in model.parameters()), torch.device("cpu"))
    inputs, targets = next(iter(data.train_batches(batch_size, 0)))
    inputs, targets = to_device(inputs, device), to_device(targets, device)
    tokens = rows(inputs) * int(data.tokens_per_sample)
    was_training = model.training
    model.train()
    try:
        with FlopCounterMode(display=False) as counter:
            loss = forward_loss(model, inputs, targets, loss_fn)
            loss.backward()
    finally:
        for param in model.parameters():
            param.grad = None
        model.train(was_training)
    return float(counter.get_total_flops()) / tokens
