"""Image classification data for the ViT plugin, read from files already on this machine.

    Digits()                       # scikit-learn's 1797 8×8 handwritten digits (bundled, offline)
    DeformedDigits()               # the same digits at 16×16, each training draw freshly deformed
    CIFAR10(root="~/data")         # CIFAR-10 "python version" pickles (cifar-10-batches-py)

One sample is one *token*: the loss is one cross-entropy per image, so the token budget
D of a run is the number of images it trains on, `tokens_per_sample = 1`, and a run's
FLOPs per token are its FLOPs per image. Plan image sweeps with `flops: measured`: the
6·N·D estimate undercounts a ViT by about the number of patches per image.

The held-out split never depends on the seed (every run of a sweep is scored on the same
images): Digits holds out evenly spaced samples, CIFAR-10 uses its own test batch.
Training order: a fresh permutation of the training set per epoch, from a generator seeded
by `train_batches(seed=...)`.
"""
from __future__ import annotations

import math
import pickle
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F


class ImageSet:
    """Images and labels in memory, split into train and held-out; `tokens_per_sample = 1`."""

    tokens_per_sample = 1

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, heldout: torch.Tensor, scale: float,
                 mean: tuple[float, ...], std: tuple[float, ...], num_classes: int) -> None:
        """images (N, C, H, W) stored raw (uint8 or float), labels (N,), heldout a bool mask (N,)."""
        self.train_images, self.train_labels = images[~heldout], labels[~heldout]
        self.heldout_images, self.heldout_labels = images[heldout], labels[heldout]
        self.scale = scale
        self.mean = torch.tensor(mean).view(-1, 1, 1)
        self.std = torch.tensor(std).view(-1, 1, 1)
        self.num_classes = num_classes
        self.train_tokens = len(self.train_labels)  # one image = one token: a run's epochs = D / this

    def model_hints(self) -> dict[str, int]:
        _, channels, size, _ = self.train_images.shape
        return {"num_classes": self.num_classes, "image_size": int(size), "channels": int(channels)}

    def _normalise(self, images: torch.Tensor) -> torch.Tensor:
        return (images.float() / self.scale - self.mean) / self.std

    def train_batches(self, batch_size: int, seed: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """Endless (images, labels) batches; epochs follow one another without a gap."""
        generator = torch.Generator().manual_seed(seed)
        n = len(self.train_labels)
        order = torch.empty(0, dtype=torch.long)
        while True:
            while len(order) < batch_size:
                order = torch.cat([order, torch.randperm(n, generator=generator)])
            index, order = order[:batch_size], order[batch_size:]
            yield self._normalise(self.train_images[index]), self.train_labels[index]

    def eval_batches(self, batch_size: int, n_tokens: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """The first n_tokens held-out images in their fixed order (all of them if fewer)."""
        n = min(n_tokens, len(self.heldout_labels))
        for start in range(0, n, batch_size):
            stop = min(start + batch_size, n)
            yield self._normalise(self.heldout_images[start:stop]), self.heldout_labels[start:stop]


def evenly_spaced_mask(n: int, fraction: float) -> torch.Tensor:
    """A fixed held-out mask: sample i is held out when floor((i+1)·f) > floor(i·f)."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"heldout_fraction={fraction} must lie in (0, 1)")
    i = np.arange(n)
    return torch.from_numpy(np.floor((i + 1) * fraction) > np.floor(i * fraction))


class Digits(ImageSet):
    """sklearn.datasets.load_digits: 1797 grey 8×8 images of 0-9 (pixel values 0..16)."""

    def __init__(self, seed: int = 0, heldout_fraction: float = 0.2) -> None:
        from sklearn.datasets import load_digits

        digits = load_digits()
        images = torch.from_numpy(digits.images.astype(np.float32)).unsqueeze(1)
        labels = torch.from_numpy(digits.target.astype(np.int64))
        super().__init__(images, labels, evenly_spaced_mask(len(labels), heldout_fraction),
                         scale=16.0, mean=(0.5,), std=(0.5,), num_classes=10)
        self.seed = seed  # the plugin contract passes it; the order comes from train_batches(seed=)


def random_deformation(images: torch.Tensor, generator: torch.Generator, rotate_deg: float, scale: float,
                       shift: float, elastic: float) -> torch.Tensor:
    """Each image of (B, C, H, W) under its own random affine map and smooth elastic field.

    Affine: rotation within ±rotate_deg, zoom 1 ± scale, translation ± shift (a fraction of the
    half-width). Elastic: a 4×4 grid of N(0, elastic²) displacements, upsampled bicubically
    (Simard et al. 2003, ICDAR, the deformations behind "infinite MNIST", Loosli et al. 2007).
    """
    b, _, h, w = images.shape
    u = torch.rand(b, 4, generator=generator) * 2 - 1
    angle = u[:, 0] * math.radians(rotate_deg)
    zoom = 1 + u[:, 1] * scale
    affine = torch.stack([
        torch.stack([zoom * torch.cos(angle), -zoom * torch.sin(angle), u[:, 2] * shift], dim=1),
        torch.stack([zoom * torch.sin(angle), zoom * torch.cos(angle), u[:, 3] * shift], dim=1),
    ], dim=1)
    grid = F.affine_grid(affine, [b, 1, h, w], align_corners=False)
    field = torch.randn(b, 2, 4, 4, generator=generator) * elastic
    grid = grid + F.interpolate(field, size=(h, w), mode="bicubic", align_corners=False).permute(0, 2, 3, 1)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


class DeformedDigits(ImageSet):
    """scikit-learn's 1797 digits upsampled to image_size × image_size; every training draw is a
    fresh random deformation (random_deformation) of one of the 1438 training digits, so no
    training image repeats exactly, though the underlying digits do (a run's `epochs` counts
    passes over those 1438). Held out: the other 359 digits, each under `heldout_copies` fixed
    deformations (the same for every run and seed), copy by copy: the first 359 held-out
    images are copy 0.

    Hints image_size, channels 1, 10 classes and patch_size 4 (16 patches of 4×4 at 16×16).
    """

    def __init__(self, seed: int = 0, heldout_fraction: float = 0.2, image_size: int = 16, heldout_copies: int = 4,
                 rotate_deg: float = 12.0, scale: float = 0.12, shift: float = 0.15, elastic: float = 0.08) -> None:
        from sklearn.datasets import load_digits

        digits = load_digits()
        small = torch.from_numpy(digits.images.astype(np.float32) / 16.0).unsqueeze(1)
        images = F.interpolate(small, size=(image_size, image_size), mode="bilinear", align_corners=False)
        labels = torch.from_numpy(digits.target.astype(np.int64))
        super().__init__(images, labels, evenly_spaced_mask(len(labels), heldout_fraction),
                         scale=1.0, mean=(0.5,), std=(0.5,), num_classes=10)
        self.seed = seed
        self.deformation = {"rotate_deg": rotate_deg, "scale": scale, "shift": shift, "elastic": elastic}
        fixed = torch.Generator().manual_seed(20230)  # held-out deformations: never the run's seed
        base_images, base_labels = self.heldout_images, self.heldout_labels
        self.heldout_images = torch.cat([random_deformation(base_images, fixed, **self.deformation)
                                         for _ in range(heldout_copies)])
        self.heldout_labels = base_labels.repeat(heldout_copies)

    def model_hints(self) -> dict[str, int]:
        return {**super().model_hints(), "patch_size": 4}

    def train_batches(self, batch_size: int, seed: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """Endless batches of freshly deformed training digits; the same seed gives the same batches."""
        generator = torch.Generator().manual_seed(seed + 1)  # deformations: a stream apart from the order's
        for images, labels in super().train_batches(batch_size, seed):
            deformed = random_deformation((images * self.std + self.mean), generator, **self.deformation)
            yield (deformed - self.mean) / self.std, labels


CIFAR_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR_STD = (0.2470, 0.2435, 0.2616)


def read_cifar_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """One CIFAR-10 python pickle: (images uint8 (N, 3, 32, 32), labels int64 (N,))."""
    with open(path, "rb") as f:
        batch = pickle.load(f, encoding="bytes")
    data = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
    return data, np.asarray(batch[b"labels"], dtype=np.int64)


@lru_cache(maxsize=2)
def load_cifar(root: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(images, labels, held-out mask) of a CIFAR-10 folder, cached: a worker reads it once."""
    folder = Path(root).expanduser()
    if (folder / "cifar-10-batches-py").is_dir():
        folder = folder / "cifar-10-batches-py"
    train_files = sorted(folder.glob("data_batch_*"))
    if not train_files or not (folder / "test_batch").exists():
        raise FileNotFoundError(f"CIFAR10: no data_batch_* and test_batch under {root!r}; flops-fit never "
                                f"downloads: unpack cifar-10-python.tar.gz there first")
    parts = [read_cifar_batch(f) for f in train_files] + [read_cifar_batch(folder / "test_batch")]
    images = torch.from_numpy(np.concatenate([p[0] for p in parts]))
    labels = torch.from_numpy(np.concatenate([p[1] for p in parts]))
    heldout = torch.zeros(len(labels), dtype=torch.bool)
    heldout[-len(parts[-1][1]):] = True
    return images, labels, heldout


class CIFAR10(ImageSet):
    """CIFAR-10 (Krizhevsky 2009) from the `cifar-10-batches-py` folder of the python version:
    `root` is that folder or its parent. Trains on data_batch_1..5, holds out test_batch."""

    def __init__(self, root: str, seed: int = 0) -> None:
        images, labels, heldout = load_cifar(root)
        super().__init__(images, labels, heldout, scale=255.0, mean=CIFAR_MEAN, std=CIFAR_STD, num_classes=10)
        self.seed = seed

    def model_hints(self) -> dict[str, int]:
        return {**super().model_hints(), "patch_size": 4}  # 64 patches of 4×4 rather than 256 of 2×2
