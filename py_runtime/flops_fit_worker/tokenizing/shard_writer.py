"""Writes a token folder whole or not at all.

Tokens are appended to shards in a staging folder inside the output folder
(`.tokenize-<pid>-*`); the held-out split is then carved from the tail of the stream (the last
`heldout_fraction` of the tokens, as ByteCorpus holds out the tail of its bytes), and `commit`
moves everything into place with renames, the manifest last. A reader therefore sees the old
folder, a folder without a manifest (unfinished: refused), or the new one; never part of a
shard. `abort` (bad input, an error, Ctrl-C) removes the staging folder; a staging folder left by
a killed process is removed by the next tokenize of the same folder.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ..token_shards import MANIFEST

STAGING_PREFIX = ".tokenize-"
TOKENIZER_FILE = "tokenizer.json"
# What a token folder may hold: anything else in --out means it is some other folder.
OWNED = (MANIFEST, TOKENIZER_FILE)
SHARD_GLOBS = ("train-*.bin", "heldout-*.bin")
COPY_BLOCK_TOKENS = 1 << 24


def foreign_files(out: Path) -> list[str]:
    """Files in `out` that a token folder does not hold (so `out` is not one to overwrite)."""
    if not out.is_dir():
        return []
    ours = {p.name for pattern in SHARD_GLOBS for p in out.glob(pattern)} | set(OWNED)
    return sorted(p.name for p in out.iterdir() if p.name not in ours and not p.name.startswith(STAGING_PREFIX))


def remove_stale_staging(out: Path) -> None:
    """Staging folders of tokenize processes that no longer run (killed before they could clean up)."""
    for folder in out.glob(STAGING_PREFIX + "*"):
        try:
            pid = int(folder.name[len(STAGING_PREFIX):].split("-")[0])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (ValueError, PermissionError):
            continue


class _Stream:
    """One split's shards: `<split>-00000.bin`, ... of at most `shard_tokens` tokens each."""

    def __init__(self, folder: Path, split: str, dtype: np.dtype, shard_tokens: int) -> None:
        self.folder, self.split, self.dtype, self.shard_tokens = folder, split, dtype, shard_tokens
        self.shards: list[list[Any]] = []  # [file name, tokens]
        self.handle: Any = None

    def append(self, ids: np.ndarray) -> None:
        while len(ids):
            if self.handle is None or self.shards[-1][1] == self.shard_tokens:
                self.close()
                self.shards.append([f"{self.split}-{len(self.shards):05d}.bin", 0])
                self.handle = (self.folder / self.shards[-1][0]).open("wb")
            room = self.shard_tokens - self.shards[-1][1]
            self.handle.write(ids[:room].astype(self.dtype, copy=False).tobytes())
            self.shards[-1][1] += len(ids[:room])
            ids = ids[room:]

    def close(self) -> None:
        if self.handle is not None:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            self.handle = None

    @property
    def tokens(self) -> int:
        return sum(count for _, count in self.shards)


class ShardWriter:
    def __init__(self, out: Path, dtype: str, shard_tokens: int) -> None:
        out.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(out)
        self.out = out
        self.dtype = np.dtype(dtype).newbyteorder("<")
        self.staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out))
        self.train = _Stream(self.staging, "train", self.dtype, shard_tokens)
        self.heldout = _Stream(self.staging, "heldout", self.dtype, shard_tokens)

    def append(self, ids: np.ndarray) -> None:
        self.train.append(ids)

    def split(self, heldout_fraction: float, eot_id: int, documents: int) -> dict[str, Any]:
        """Moves the last `heldout_fraction` of the tokens into the held-out shards; returns each
        split's tokens, documents (the `documents` written, counted by the split that holds their
        end-of-document token) and shards."""
        self.train.close()
        n_heldout = int(self.train.tokens * heldout_fraction)
        pieces: list[tuple[str, int, int]] = []  # (file, first, stop) of the tail, last first
        while n_heldout > sum(stop - first for _, first, stop in pieces):
            name, count = self.train.shards[-1]
            take = min(count, n_heldout - sum(stop - first for _, first, stop in pieces))
            pieces.append((name, count - take, count))
            if take == count:
                self.train.shards.pop()
            else:
                self.train.shards[-1][1] = count - take
        heldout_documents = 0
        for name, first, stop in reversed(pieces):
            for start in range(first, stop, COPY_BLOCK_TOKENS):
                block = np.fromfile(self.staging / name, dtype=self.dtype, count=min(COPY_BLOCK_TOKENS, stop - start),
                                    offset=start * self.dtype.itemsize)
                heldout_documents += int(np.count_nonzero(block == eot_id))
                self.heldout.append(block)
            if first == 0:
                (self.staging / name).unlink()
            else:
                os.truncate(self.staging / name, first * self.dtype.itemsize)
        self.heldout.close()
        train_documents = documents - heldout_documents
        return {name: {"tokens": stream.tokens, "documents": documents,
                       "shards": [{"file": file, "tokens": count} for file, count in stream.shards]}
                for name, stream, documents in (("train", self.train, train_documents),
                                                ("heldout", self.heldout, heldout_documents))}

    def commit(self, manifest: dict[str, Any], tokenizer_json: str) -> None:
        """Replaces the folder's contents with the staged ones: the old manifest goes first (the
        folder reads as unfinished meanwhile), the new one comes last."""
        (self.staging / TOKENIZER_FILE).write_text(tokenizer_json)
        (self.staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        (self.out / MANIFEST).unlink(missing_ok=True)
        for pattern in SHARD_GLOBS:
            for old in self.out.glob(pattern):
                old.unlink()
        for split in ("train", "heldout"):
            for shard in manifest["splits"][split]["shards"]:
                os.replace(self.staging / shard["file"], self.out / shard["file"])
        os.replace(self.staging / TOKENIZER_FILE, self.out / TOKENIZER_FILE)
        os.replace(self.staging / MANIFEST, self.out / MANIFEST)
        shutil.rmtree(self.staging, ignore_errors=True)

    def abort(self) -> None:
        self.train.close()
        self.heldout.close()
        shutil.rmtree(self.staging, ignore_errors=True)
