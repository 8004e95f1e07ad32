"""A small vision transformer (ViT) classifier whose size is set by `width`.

    model = ViT(width=32, depth=2, heads=2, patch_size=2, image_size=8, channels=1, num_classes=10)
    logits = model(images)          # images (B, channels, image_size, image_size) -> (B, num_classes)

Dosovitskiy et al. 2021 (arXiv:2010.11929): the image is cut into patch_size² patches,
each linearly embedded (a strided convolution), a learned CLS token is prepended, a learned
position embedding (`pos_emb`, counted as an embedding parameter) is added, and pre-LN
transformer blocks (bidirectional attention, GELU MLP of mlp_ratio·width) follow; the
classifier reads the CLS token after a final LayerNorm.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class SelfAttention(nn.Module):
    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = (t.view(B, T, self.heads, C // self.heads).transpose(1, 2) for t in self.qkv(x).split(C, dim=2))
        y = F.scaled_dot_product_attention(q, k, v)
        return self.proj(y.transpose(1, 2).contiguous().view(B, T, C))


class Block(nn.Module):
    def __init__(self, width: int, heads: int, mlp_ratio: float) -> None:
        super().__init__()
        hidden = round(mlp_ratio * width)
        self.ln1 = nn.LayerNorm(width)
        self.attn = SelfAttention(width, heads)
        self.ln2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, hidden), nn.GELU(), nn.Linear(hidden, width))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class ViT(nn.Module):
    def __init__(self, width: int, depth: int = 2, heads: int = 2, patch_size: int = 2, image_size: int = 8,
                 channels: int = 1, num_classes: int = 10, mlp_ratio: float = 2) -> None:
        super().__init__()
        if width <= 0 or heads <= 0 or width % heads:
            raise ValueError(f"ViT: heads={heads} must divide width={width} "
                             f"(choose width as a multiple of {heads}, e.g. size_values.multiple_of: {heads})")
        if image_size % patch_size:
            raise ValueError(f"ViT: patch_size={patch_size} must divide image_size={image_size}")
        n_patches = (image_size // patch_size) ** 2
        self.patch_embed = nn.Conv2d(channels, width, kernel_size=patch_size, stride=patch_size)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, width))
        self.pos_emb = nn.Parameter(torch.randn(1, n_patches + 1, width) * 0.02)
        self.blocks = nn.ModuleList(Block(width, heads, mlp_ratio) for _ in range(depth))
        self.ln_f = nn.LayerNorm(width)
        self.head = nn.Linear(width, num_classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = self.patch_embed(images).flatten(2).transpose(1, 2)       # (B, patches, width)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_emb
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x[:, 0]))
