"""A small decoder-only transformer (GPT) whose size is set by `d_model`.

    model = GPT(d_model=64, n_layers=2, n_heads=4, seq_len=128, vocab_size=256)
    logits = model(idx)            # idx (B, T) int64, T <= seq_len  ->  logits (B, T, vocab_size)

Pre-LayerNorm blocks (Xiong et al. 2020, arXiv:2002.04745) of causal self-attention and a
4×-wide GELU MLP, as in GPT-2 (Radford et al. 2019) and nanoGPT. Linear layers have no bias.
The token embedding (`tok_emb`) and the learned position embedding (`pos_emb`) count as
embedding parameters in flops-fit's parameter counts; the output head (`head`) is *untied*
from the token embedding, so it is an ordinary non-embedding matrix whose FLOPs are counted
like any other (Kaplan et al. 2020 count it in N; tying would make it an "embedding").

Parameters: 12·n_layers·d_model² (blocks) + 2·vocab_size·d_model (embedding + head)
+ seq_len·d_model (positions) + norms.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


class CausalSelfAttention(nn.Module):
    def __init__(self, d_model: int, n_heads: int, dropout: float) -> None:
        super().__init__()
        self.n_heads = n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model, bias=False)
        self.proj = nn.Linear(d_model, d_model, bias=False)
        self.dropout = dropout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        # (B, T, C) -> (B, heads, T, C / heads)
        q, k, v = (t.view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=self.dropout if self.training else 0.0)
        return self.proj(y.transpose(1, 2).contiguous().view(B, T, C))


class MLP(nn.Module):
    def __init__(self, d_model: int, dropout: float) -> None:
        super().__init__()
        self.up = nn.Linear(d_model, 4 * d_model, bias=False)
        self.down = nn.Linear(4 * d_model, d_model, bias=False)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.down(F.gelu(self.up(x))))


class Block(nn.Module):
    def __init__(self, d_model: int, n_heads: int, dropout: float) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, n_heads, dropout)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = MLP(d_model, dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, d_model: int, n_layers: int = 2, n_heads: int = 4, seq_len: int = 128,
                 vocab_size: int = 256, dropout: float = 0.0) -> None:
        super().__init__()
        if d_model <= 0 or n_heads <= 0 or d_model % n_heads:
            raise ValueError(f"GPT: n_heads={n_heads} must divide d_model={d_model} "
                             f"(choose d_model as a multiple of {n_heads}, e.g. size_values.multiple_of: {n_heads})")
        self.seq_len = seq_len
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.pos_emb = nn.Parameter(torch.zeros(seq_len, d_model))
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(Block(d_model, n_heads, dropout) for _ in range(n_layers))
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size, bias=False)
        # GPT-2 initialisation: N(0, 0.02), residual projections scaled by 1/sqrt(2·n_layers)
        # so the residual stream's variance does not grow with depth (Radford et al. 2019, §2.3).
        for name, param in self.named_parameters():
            if param.dim() >= 2:
                std = 0.02 / math.sqrt(2 * n_layers) if name.endswith(("proj.weight", "down.weight")) else 0.02
                nn.init.normal_(param, mean=0.0, std=std)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        T = idx.shape[1]
        if T > self.seq_len:
            raise ValueError(f"GPT: input has {T} tokens, more than seq_len={self.seq_len}")
        x = self.drop(self.tok_emb(idx) + self.pos_emb[:T])
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))
