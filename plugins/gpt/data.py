"""Byte-level text for the GPT plugin: every byte is a token (vocabulary 256), no tokenizer.

    data = ByteCorpus()                                   # the Python stdlib's own sources
    data = ByteCorpus(source="path", path="notes/")       # a file, or a folder of .txt/.md/.py
    data = ByteCorpus(source="hf", hf_dataset="/data/my_ds", text_field="text")  # local only

Sources:
- `stdlib` (default): the top-level `*.py` files of the running Python's standard library
  (`sysconfig.get_paths()["stdlib"]`), sorted by name: ≈4.7 MB on CPython 3.11, on every
  machine that has Python, no download.
- `path`: one text file, or every `.txt`, `.md` and `.py` file under a folder (sorted).
- `hf`: a Hugging Face `datasets` dataset that is already on this machine: a folder written
  by `save_to_disk` (read with `load_from_disk`), or a local data file/folder for
  `load_dataset`. Nothing is ever downloaded. `text_field` names the text column.
- `tokens`: token shards, not bytes: a folder written by `flops-fit tokenize`, or nanoGPT's raw
  `.bin` shards given `dtype` and `vocab_size` (plugins/gpt/tokens.py, docs/tokenize.md).

Documents are joined with a blank line. The held-out split is the fixed contiguous tail
(`heldout_fraction` of the bytes): it never depends on the seed, so every run of a sweep is
evaluated on the same tokens. Training draws windows of seq_len+1 bytes at random offsets
of the remaining head from a generator seeded by `train_batches(seed=...)`.
"""
from __future__ import annotations

import sysconfig
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import torch

TEXT_SUFFIXES = (".txt", ".md", ".py")


def _read_files(files: list[Path]) -> bytes:
    return b"\n\n".join(f.read_bytes() for f in files)


def _hf_texts(hf_dataset: str, hf_split: str, text_field: str) -> Iterable[str]:
    try:
        import datasets
    except ImportError as exc:
        raise ImportError("ByteCorpus(source='hf') needs the `datasets` package: pip install datasets") from exc
    location = Path(hf_dataset).expanduser()
    if not location.exists():
        raise FileNotFoundError(f"ByteCorpus: hf_dataset {hf_dataset!r} is not a local path; flops-fit never "
                                f"downloads: save the dataset with save_to_disk() and give that folder")
    if (location / "dataset_info.json").exists() or (location / "dataset_dict.json").exists() \
            or (location / "state.json").exists():
        loaded = datasets.load_from_disk(str(location))
    else:  # a local data file or folder (json, csv, parquet, text) read by load_dataset
        loaded = datasets.load_dataset(str(location))
    if isinstance(loaded, datasets.DatasetDict):
        if hf_split not in loaded:
            raise KeyError(f"ByteCorpus: split {hf_split!r} not in {hf_dataset!r} (splits: {sorted(loaded)})")
        loaded = loaded[hf_split]
    if text_field not in loaded.column_names:
        raise KeyError(f"ByteCorpus: text_field {text_field!r} not in {hf_dataset!r} (columns: {loaded.column_names})")
    return (str(t) for t in loaded[text_field])


@lru_cache(maxsize=4)
def load_corpus(source: str, path: str | None, hf_dataset: str | None, hf_split: str, text_field: str) -> torch.Tensor:
    """The whole corpus as a uint8 tensor (cached: a worker reuses it for every run)."""
    if source == "stdlib":
        stdlib = Path(sysconfig.get_paths()["stdlib"])
        raw = _read_files(sorted(stdlib.glob("*.py")))
    elif source == "path":
        if path is None:
            raise ValueError("ByteCorpus(source='path') needs path= (a text file or a folder)")
        root = Path(path).expanduser()
        if root.is_file():
            raw = root.read_bytes()
        elif root.is_dir():
            texts = sorted(p for p in root.rglob("*") if p.suffix in TEXT_SUFFIXES and p.is_file())
            if not texts:
                raise ValueError(_no_text_message(path, root))
            raw = _read_files(texts)
        else:
            raise FileNotFoundError(f"ByteCorpus: path {path!r} does not exist")
    elif source == "hf":
        if hf_dataset is None:
            raise ValueError("ByteCorpus(source='hf') needs hf_dataset= (a local dataset folder or file)")
        raw = "\n\n".join(_hf_texts(hf_dataset, hf_split, text_field)).encode("utf-8")
    else:
        raise ValueError(f"ByteCorpus: unknown source {source!r} (use 'stdlib', 'path', 'hf' or 'tokens')")
    if not raw:
        raise ValueError(f"ByteCorpus: source {source!r} gave no text" + (f" ({path!r} is empty)" if path else ""))
    return torch.frombuffer(bytearray(raw), dtype=torch.uint8)


def _no_text_message(path: str, root: Path) -> str:
    """A folder without a text file: what was looked for, and what is there instead."""
    found = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    shown = ", ".join(found[:5]) + (f", … {len(found) - 5} more" if len(found) > 5 else "")
    return (f"ByteCorpus: path {path!r} holds no text file to read (looked for {', '.join(TEXT_SUFFIXES)} files under it; "
            f"found {f'{len(found)} other file(s): {shown}' if found else 'no files'}); decompress or convert them, or point path at text")


# The options `source: tokens` passes on (the others have byte-level meanings only).
TOKEN_OPTIONS = ("path", "seq_len", "dtype", "vocab_size", "heldout_fraction", "data_hash", "seed")


class ByteCorpus:
    def __new__(cls, *args: Any, **options: Any) -> Any:
        # `source: tokens` keeps the plugin's data target (and so every existing sweep's
        # definition) and returns the token-shard source instead of a byte corpus.
        if options.get("source") == "tokens":
            from .tokens import TokenShards

            return TokenShards(**{k: v for k, v in options.items() if k in TOKEN_OPTIONS})
        return super().__new__(cls)

    def __init__(self, source: str = "stdlib", path: str | None = None, hf_dataset: str | None = None,
                 hf_split: str = "train", text_field: str = "text", seq_len: int = 128,
                 heldout_fraction: float = 0.02, seed: int = 0) -> None:
        if not 0.0 < heldout_fraction < 1.0:
            raise ValueError(f"ByteCorpus: heldout_fraction={heldout_fraction} must lie in (0, 1)")
        corpus = load_corpus(source, path, hf_dataset, hf_split, text_field)
        n_heldout = int(len(corpus) * heldout_fraction)
        self.train = corpus[: len(corpus) - n_heldout]
        self.heldout = corpus[len(corpus) - n_heldout:]
        if len(self.train) <= seq_len or len(self.heldout) <= seq_len:
            raise ValueError(f"ByteCorpus: {len(corpus)} bytes are too few for seq_len={seq_len} with "
                             f"heldout_fraction={heldout_fraction} (each split needs more than seq_len bytes)")
        self.seq_len = seq_len
        self.tokens_per_sample = seq_len
        self.train_tokens = len(self.train)  # one pass over the training bytes: a run's epochs = D / this
        self.seed = seed  # the plugin contract passes it; the order comes from train_batches(seed=)

    def model_hints(self) -> dict[str, int]:
        return {"vocab_size": 256, "seq_len": self.seq_len}

    def train_batches(self, batch_size: int, seed: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """Endless (inputs, targets) of shape (batch_size, seq_len): random windows, targets
        shifted by one byte. The same seed gives the same sequence of batches."""
        generator = torch.Generator().manual_seed(seed)
        offsets = torch.arange(self.seq_len + 1)
        while True:
            starts = torch.randint(0, len(self.train) - self.seq_len, (batch_size,), generator=generator)
            windows = self.train[starts[:, None] + offsets].long()
            yield windows[:, :-1], windows[:, 1:]

    def eval_batches(self, batch_size: int, n_tokens: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """The first `n_tokens` predictions of the held-out tail, in consecutive windows of
        seq_len (the last one shortened to land on n_tokens exactly), or the whole tail if it is
        shorter. Fixed for a corpus: independent of the seed and of the batch size's grouping."""
        available = (len(self.heldout) - 1) // self.seq_len * self.seq_len
        n_tokens = min(n_tokens, available)
        full, rest = divmod(n_tokens, self.seq_len)
        for first in range(0, full, batch_size):
            starts = torch.arange(first, min(first + batch_size, full)) * self.seq_len
            windows = self.heldout[starts[:, None] + torch.arange(self.seq_len + 1)].long()
            yield windows[:, :-1], windows[:, 1:]
        if rest:
            window = self.heldout[full * self.seq_len: full * self.seq_len + rest + 1].long()[None]
            yield window[:, :-1], window[:, 1:]
