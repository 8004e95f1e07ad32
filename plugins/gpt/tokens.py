"""Token shards for the GPT plugin: `data.options: { source: tokens, path: DIR }` (docs/tokenize.md).

    data = TokenShards(path="tokens/stdlib-bpe4096")                              # a `flops-fit tokenize` folder
    data = TokenShards(path="data/shakespeare", dtype="uint16", vocab_size=50304)  # nanoGPT's train.bin + val.bin

Training windows of seq_len+1 tokens are drawn at uniformly random offsets of the memory-mapped
training shards (a batch reads only the pages it touches); the order is fixed by the seed. The
held-out split is the one the folder holds (`heldout-*.bin`, nanoGPT's `val.bin`), or for a
single raw `.bin` file its last `heldout_fraction` of tokens: fixed, the same for every run.
`model_hints()` gives the tokenizer's vocabulary, so the model's embedding and head match it.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch

from flops_fit_worker.token_shards import (MANIFEST, ShardSet, TokenDataError, bin_files, check_dtype,
                                           read_manifest)

# Raw shards are checked against their vocabulary on this many leading tokens (not read whole).
VOCAB_CHECK_TOKENS = 1 << 20


class TokenShards:
    def __init__(self, path: str, seq_len: int = 128, dtype: str | None = None, vocab_size: int | None = None,
                 heldout_fraction: float = 0.02, data_hash: str | None = None, seed: int = 0) -> None:
        folder = Path(path).expanduser()
        if (folder / MANIFEST).is_file():
            manifest = read_manifest(folder)
            if data_hash is not None and data_hash != manifest["hash"]:
                raise TokenDataError(f"{folder / MANIFEST}: the shards changed since this sweep was planned "
                                     f"(manifest hash {manifest['hash']}, planned {data_hash}); run the sweep again")
            self.vocab_size = int(manifest["vocab_size"])
            self.dtype = str(manifest["dtype"])
            split_files = {s: [folder / shard["file"] for shard in manifest["splits"][s]["shards"]]
                           for s in ("train", "heldout")}
            self.train = ShardSet.open(split_files["train"], self.dtype)
            self.heldout = ShardSet.open(split_files["heldout"], self.dtype)
        else:
            self.train, self.heldout = self._raw(folder, dtype, vocab_size, heldout_fraction)
            self.vocab_size, self.dtype = int(vocab_size or 0), str(dtype)
        if self.train.longest_shard() <= seq_len or len(self.heldout) <= seq_len:
            raise TokenDataError(f"{folder}: {len(self.train)} training and {len(self.heldout)} held-out tokens "
                                 f"(longest training shard {self.train.longest_shard()}) are too few for "
                                 f"seq_len={seq_len}: each needs more than seq_len tokens")
        self.seq_len = seq_len
        self.tokens_per_sample = seq_len
        self.train_tokens = len(self.train)  # one pass over the training shards: a run's epochs = D / this
        self.seed = seed  # the plugin contract passes it; the order comes from train_batches(seed=)

    @staticmethod
    def _raw(folder: Path, dtype: str | None, vocab_size: int | None, heldout_fraction: float) -> tuple[ShardSet, ShardSet]:
        found = bin_files(folder)
        if found is None:
            what = "does not exist" if not folder.exists() else f"holds no {MANIFEST}, train.bin or .bin file"
            raise TokenDataError(f"TokenShards: path {str(folder)!r} {what}; make one with "
                                 f"`flops-fit tokenize INPUT... --tokenizer T --out {folder}`")
        if dtype is None or vocab_size is None:
            raise TokenDataError(f"{folder}: raw .bin shards carry no manifest: give their dtype (uint16 or uint32) "
                                 f"and vocab_size in data.options")
        check_dtype(dtype, vocab_size, str(folder))
        train_files, heldout_files = found
        train, heldout = ShardSet.open(train_files, dtype), ShardSet.open(heldout_files, dtype)
        for shards in (train, heldout):
            for tokens in shards.maps:
                largest = int(tokens[:VOCAB_CHECK_TOKENS].max(initial=0))
                if largest >= vocab_size:
                    raise TokenDataError(f"{folder}: token id {largest} in the shards is outside vocab_size={vocab_size}")
        if heldout_files:
            return train, heldout
        if not 0.0 < heldout_fraction < 1.0:
            raise TokenDataError(f"TokenShards: heldout_fraction={heldout_fraction} must lie in (0, 1)")
        # One file: its tail is held out, as ByteCorpus holds out the tail of its bytes.
        whole = train.maps[0] if train.maps else np.empty(0, dtype=np.dtype(dtype))
        cut = len(whole) - int(len(whole) * heldout_fraction)
        return ShardSet([whole[:cut]]), ShardSet([whole[cut:]])

    def model_hints(self) -> dict[str, int]:
        return {"vocab_size": self.vocab_size, "seq_len": self.seq_len}

    def train_batches(self, batch_size: int, seed: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """Endless (inputs, targets) of shape (batch_size, seq_len) as int64: random windows, targets
        shifted by one token. The same seed gives the same sequence of batches."""
        rng = np.random.default_rng(seed)
        while True:
            windows = torch.from_numpy(self.train.sample_windows(rng, batch_size, self.seq_len + 1).astype(np.int64))
            yield windows[:, :-1], windows[:, 1:]

    def eval_batches(self, batch_size: int, n_tokens: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """The first `n_tokens` predictions of the held-out split in consecutive windows of seq_len
        (the last one shortened to land on n_tokens exactly), or the whole split if it is shorter.
        Fixed for a folder: independent of the seed and of the batch size's grouping."""
        available = (len(self.heldout) - 1) // self.seq_len * self.seq_len
        n_tokens = min(n_tokens, available)
        tokens = torch.from_numpy(self.heldout.read(0, n_tokens + 1).astype(np.int64))
        full, rest = divmod(n_tokens, self.seq_len)
        for first in range(0, full, batch_size):
            starts = torch.arange(first, min(first + batch_size, full)) * self.seq_len
            windows = tokens[starts[:, None] + torch.arange(self.seq_len + 1)]
            yield windows[:, :-1], windows[:, 1:]
        if rest:
            window = tokens[full * self.seq_len: full * self.seq_len + rest + 1][None]
            yield window[:, :-1], window[:, 1:]

