"""Documents → token ids, in parallel batches (the `tokenizers` library encodes a batch on all cores).

Each document is followed by the end-of-document token. A long document is encoded in pieces
of about PIECE_CHARS cut after a newline, so one large file is spread over the cores too (a cut
can only change how the whitespace at it is split: one place per megabyte of text).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain

import numpy as np
from tokenizers import Tokenizer

PIECE_CHARS = 1 << 20
BATCH_CHARS = 1 << 22
BATCH_PIECES = 4096


@dataclass
class Counts:
    tokens: int = 0
    documents: int = 0
    text_bytes: int = 0


def pieces(text: str, size: int = PIECE_CHARS) -> Iterator[str]:
    """`text` in consecutive pieces of at most about `size` characters, each ending after a newline
    when the piece has one."""
    start = 0
    while len(text) - start > size:
        cut = text.rfind("\n", start, start + size)
        stop = cut + 1 if cut > start else start + size
        yield text[start:stop]
        start = stop
    yield text[start:]


def encode_batch(tokenizer: Tokenizer, batch: list[str], ends: list[bool], eot_id: int) -> np.ndarray:
    """The ids of a batch of pieces in order, the end-of-document token after each piece that ends one."""
    encoded = tokenizer.encode_batch_fast(batch, add_special_tokens=False)
    ids = [e.ids for e in encoded]
    total = sum(map(len, ids)) + sum(ends)
    joined = chain.from_iterable(chain(piece, (eot_id,)) if end else piece for piece, end in zip(ids, ends))
    return np.fromiter(joined, dtype=np.int64, count=total)


def encode_documents(tokenizer: Tokenizer, eot_id: int, vocab_size: int, texts: Iterable[str],
                     sink: Callable[[np.ndarray], None]) -> Counts:
    """Encodes every text and hands the ids to `sink` batch by batch, in order."""
    # Text that spells a special token ("<|endoftext|>" in a document) is encoded as text: only
    # the document boundaries written here are end-of-document tokens.
    tokenizer.encode_special_tokens = True
    counts = Counts()
    batch: list[str] = []
    ends: list[bool] = []
    chars = 0

    def flush() -> None:
        nonlocal chars
        if not batch:
            return
        ids = encode_batch(tokenizer, batch, ends, eot_id)
        if len(ids) and int(ids.max()) >= vocab_size:  # an id the dtype or the model would not hold
            raise ValueError(f"the tokenizer produced id {int(ids.max())}, outside its vocabulary of {vocab_size}")
        sink(ids)
        counts.tokens += len(ids)
        batch.clear()
        ends.clear()
        chars = 0

    for text in texts:
        counts.documents += 1
        counts.text_bytes += len(text.encode("utf-8"))
        parts = list(pieces(text))
        for index, part in enumerate(parts):
            batch.append(part)
            ends.append(index == len(parts) - 1)
            chars += len(part)
            if chars >= BATCH_CHARS or len(batch) >= BATCH_PIECES:
                flush()
    flush()
    return counts
