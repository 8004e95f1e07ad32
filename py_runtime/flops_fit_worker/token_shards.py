"""Token shards on disk: the folder `flops-fit tokenize` writes, nanoGPT's raw `.bin` files, and
memory-mapped reading of both (docs/tokenize.md).

A token folder holds

    manifest.json          what the shards hold; written last, so a folder without it is unfinished
    tokenizer.json         the tokenizer that made them (loadable with `tokenizers.Tokenizer.from_file`)
    train-00000.bin ...    token ids, little-endian uint16 (vocabulary ≤ 65,535) or uint32, every
    heldout-00000.bin ...  document followed by the end-of-document token

nanoGPT writes the same kind of file without a manifest (`train.bin`, `val.bin`, uint16): read
given their dtype and vocabulary. Shards are opened with `numpy.memmap`, never read whole: a
batch reads only the pages its windows touch.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

MANIFEST = "manifest.json"
FORMAT = "flops-fit-tokens"
FORMAT_VERSION = 1
DTYPES = ("uint16", "uint32")
# The largest vocabulary each dtype stores: ids 0 .. V-1 (the rule: uint16 up to 65,535 tokens).
MAX_VOCAB = {"uint16": 65_535, "uint32": 2**32 - 1}


class TokenDataError(ValueError):
    """Token data that cannot be used as it is: the message names the file and what is wrong."""


def dtype_for(vocab_size: int) -> str:
    """The narrowest dtype that holds every id of a vocabulary of `vocab_size` tokens."""
    return "uint16" if vocab_size <= MAX_VOCAB["uint16"] else "uint32"


def check_dtype(dtype: str, vocab_size: int, where: str) -> None:
    if dtype not in DTYPES:
        raise TokenDataError(f"{where}: dtype {dtype!r} is not one of {', '.join(DTYPES)}")
    if vocab_size > MAX_VOCAB[dtype]:
        raise TokenDataError(f"{where}: a vocabulary of {vocab_size:,} tokens is too large for {dtype} "
                             f"(at most {MAX_VOCAB[dtype]:,}); use uint32")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def manifest_hash(manifest: dict[str, Any]) -> str:
    """16 hex digits over everything that determines the tokens (all but `hash` and `provenance`:
    where the inputs were and when): the same inputs, tokenizer and settings give the same hash
    on any machine."""
    content = {k: v for k, v in manifest.items() if k not in ("hash", "provenance")}
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()[:16]


def read_manifest(folder: Path) -> dict[str, Any]:
    """The folder's manifest, checked: its format, its hash, and that every shard is there whole."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise TokenDataError(f"{path}: cannot read the manifest ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise TokenDataError(f"{path}: not a flops-fit token manifest (format {FORMAT!r} expected)")
    if manifest.get("version") != FORMAT_VERSION:
        raise TokenDataError(f"{path}: manifest version {manifest.get('version')!r}; this flops-fit reads "
                             f"version {FORMAT_VERSION} (tokenize again)")
    if manifest.get("hash") != manifest_hash(manifest):
        raise TokenDataError(f"{path}: the manifest was edited (its hash does not match its content); tokenize again")
    width = np.dtype(manifest["dtype"]).itemsize
    for split in ("train", "heldout"):
        for shard in manifest["splits"][split]["shards"]:
            file = folder / shard["file"]
            size = file.stat().st_size if file.exists() else None
            if size != shard["tokens"] * width:
                raise TokenDataError(f"{file}: {'missing' if size is None else f'{size} bytes'}, the manifest says "
                                     f"{shard['tokens'] * width} bytes; tokenize again")
    return manifest


class ShardSet:
    """One split: its shards as one sequence of tokens, memory-mapped (never read whole)."""

    def __init__(self, maps: list[np.ndarray]) -> None:
        self.maps = [m for m in maps if len(m)]
        self.lengths = np.array([len(m) for m in self.maps], dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(self.lengths)]).astype(np.int64)

    @classmethod
    def open(cls, files: list[Path], dtype: str) -> "ShardSet":
        # Plain ndarray views of the maps (the map stays open through .base): indexing a view
        # skips np.memmap's per-call subclass bookkeeping, which costs more than a small batch.
        return cls([np.memmap(f, dtype=np.dtype(dtype).newbyteorder("<"), mode="r").view(np.ndarray)
                    for f in files if f.stat().st_size])

    def __len__(self) -> int:
        return int(self.starts[-1])

    def read(self, start: int, stop: int) -> np.ndarray:
        """Tokens [start, stop) of the split, across shard boundaries (a copy, in memory)."""
        pieces = []
        for m, first in zip(self.maps, self.starts[:-1]):
            lo, hi = max(start - first, 0), min(stop - first, len(m))
            if lo < hi:
                pieces.append(np.asarray(m[lo:hi]))
        return np.concatenate(pieces) if pieces else np.empty(0, dtype=np.int64)

    def sample_windows(self, rng: np.random.Generator, count: int, width: int) -> np.ndarray:
        """`count` windows of `width` tokens at uniformly random offsets, each inside one shard
        (every window start in the split equally likely): shape (count, width)."""
        usable = np.maximum(self.lengths - width + 1, 0)
        offsets = np.arange(width)
        if len(self.maps) == 1:  # the common case, without the bookkeeping below
            starts = rng.integers(0, usable[0], size=count)
            return self.maps[0][starts[:, None] + offsets]
        bounds = np.cumsum(usable)
        draws = rng.integers(0, bounds[-1], size=count)
        shard = np.searchsorted(bounds, draws, side="right")
        starts = draws - (bounds[shard] - usable[shard])
        out = np.empty((count, width), dtype=self.maps[0].dtype)
        for index in np.unique(shard):
            rows = shard == index
            out[rows] = self.maps[index][starts[rows][:, None] + offsets]
        return out

    def longest_shard(self) -> int:
        return int(self.lengths.max()) if len(self.lengths) else 0


def bin_files(path: Path) -> tuple[list[Path], list[Path]] | None:
    """Raw shards without a manifest: nanoGPT's `train.bin` + `val.bin` in a folder, or one
    `.bin` file (its held-out split is then carved from its tail). None when there are none."""
    if path.is_file() and path.suffix == ".bin":
        return [path], []
    if path.is_dir() and (path / "train.bin").is_file():
        heldout = [path / "val.bin"] if (path / "val.bin").is_file() else []
        return [path / "train.bin"], heldout
    return None
