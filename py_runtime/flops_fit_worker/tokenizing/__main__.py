"""`flops-fit tokenize`'s worker: inputs → tokenizer → token shards + manifest (docs/tokenize.md).

    python -m flops_fit_worker.tokenizing INPUT... --tokenizer bpe:4096 --out DIR [--field text]

The TypeScript command runs it and renders what it says: one JSON object per line on stdout,
`{"event": "stage" | "progress" | "done" | "error", ...}`. Exit codes as the CLI's: 0 done (or
nothing to do), 2 bad input (the error event says what and where; nothing is left behind),
1 another failure, 130 stopped.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..token_shards import FORMAT, FORMAT_VERSION, MANIFEST, TokenDataError, check_dtype, dtype_for, manifest_hash, read_manifest
from .encode import encode_documents
from .inputs import BadInput, Document, documents, find_sources, inputs_hash
from .shard_writer import ShardWriter, foreign_files
from .tokenizer import bpe_size, end_of_document, load_tokenizer, request_identity, tokenizer_hash, train_bpe

# BPE training reads at most this much text (the inputs' beginning): its word counts grow with it.
BPE_TRAIN_CHARS = 1 << 30
PROGRESS_EVERY_S = 0.5


class Stopped(Exception):
    """SIGTERM/SIGINT: clean up and exit 130."""


def emit(event: str, **fields: Any) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m flops_fit_worker.tokenizing", description=__doc__)
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--tokenizer", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--field", default="text")
    parser.add_argument("--eot", default=None)
    parser.add_argument("--dtype", choices=["auto", "uint16", "uint32"], default="auto")
    parser.add_argument("--heldout-fraction", type=float, default=0.02)
    parser.add_argument("--shard-tokens", type=int, default=1 << 28)
    return parser.parse_args(argv)


def with_progress(docs: Iterator[Document], stage: str, total_bytes: int, limit_chars: int | None = None) -> Iterator[str]:
    """The documents' texts, reporting progress; stops after `limit_chars` characters when given."""
    last, chars = 0.0, 0
    for doc in docs:
        yield doc.text
        chars += len(doc.text)
        if time.monotonic() - last >= PROGRESS_EVERY_S:
            last = time.monotonic()
            emit("progress", stage=stage, bytes=doc.bytes_done, total_bytes=total_bytes)
        if limit_chars is not None and chars >= limit_chars:
            return


def up_to_date(out: Path, request: dict[str, Any]) -> dict[str, Any] | None:
    if not (out / MANIFEST).is_file():
        return None
    try:
        manifest = read_manifest(out)
    except TokenDataError:
        return None
    return manifest if manifest.get("request") == request else None


def tokenize(args: argparse.Namespace) -> dict[str, Any]:
    started = time.monotonic()
    if not 0.0 < args.heldout_fraction < 0.5:
        raise BadInput(f"--heldout-fraction {args.heldout_fraction}: must lie in (0, 0.5)")
    out = Path(args.out).expanduser()
    if out.exists() and not out.is_dir():
        raise BadInput(f"--out {args.out}: a file, not a folder")
    foreign = foreign_files(out)
    if foreign:
        raise BadInput(f"--out {args.out}: a folder that holds other files ({', '.join(foreign[:3])}"
                       f"{', ...' if len(foreign) > 3 else ''}), not a token folder; choose an empty or new folder")
    sources = find_sources(args.inputs)
    total_bytes = sum(s.size_bytes for s in sources)
    emit("stage", stage="hash", total_bytes=total_bytes, files=len(sources))
    request = {"format": FORMAT, "version": FORMAT_VERSION, "inputs_hash": inputs_hash(sources, args.field),
               "tokenizer": request_identity(args.tokenizer), "eot": args.eot, "dtype": args.dtype,
               "heldout_fraction": args.heldout_fraction}
    existing = up_to_date(out, request)
    if existing is not None:
        return {"up_to_date": True, "manifest": existing}

    size = bpe_size(args.tokenizer)
    if size is not None:
        emit("stage", stage="train", total_bytes=total_bytes, vocab_size=size)
        tokenizer, declared = train_bpe(size, with_progress(documents(sources, args.field), "train", total_bytes,
                                                            BPE_TRAIN_CHARS)), None
    else:
        tokenizer, declared = load_tokenizer(args.tokenizer)
    vocab_size = tokenizer.get_vocab_size(with_added_tokens=True)
    dtype = dtype_for(vocab_size) if args.dtype == "auto" else args.dtype
    try:
        check_dtype(dtype, vocab_size, f"--tokenizer {args.tokenizer}")
    except TokenDataError as exc:
        raise BadInput(f"{exc} (--dtype {args.dtype})") from None
    eot, eot_id = end_of_document(tokenizer, args.tokenizer, declared, args.eot)

    emit("stage", stage="encode", total_bytes=total_bytes, vocab_size=vocab_size, dtype=dtype)
    writer = ShardWriter(out, dtype, args.shard_tokens)
    try:
        counts = encode_documents(tokenizer, eot_id, vocab_size, with_progress(documents(sources, args.field), "encode",
                                                                             total_bytes), writer.append)
        splits = writer.split(args.heldout_fraction, eot_id, counts.documents)
        if splits["heldout"]["tokens"] == 0:
            raise BadInput(f"{', '.join(args.inputs)}: {counts.tokens} tokens leave no held-out split at "
                           f"--heldout-fraction {args.heldout_fraction}; give more text")
        manifest: dict[str, Any] = {
            "format": FORMAT, "version": FORMAT_VERSION, "request": request,
            "tokenizer": {"file": "tokenizer.json", "hash": tokenizer_hash(tokenizer), "kind": request["tokenizer"]["kind"]},
            "vocab_size": vocab_size, "dtype": dtype, "eot": eot, "eot_token": eot_id,
            "inputs": {"files": len(sources), "bytes": total_bytes, "text_bytes": counts.text_bytes,
                       "documents": counts.documents, "hash": request["inputs_hash"]},
            "tokens": counts.tokens, "tokens_per_byte": counts.tokens / max(counts.text_bytes, 1),
            "heldout_fraction": args.heldout_fraction, "splits": splits,
            # Where it came from and when: not part of the hash (the same tokens from another place are the same data).
            "provenance": {"inputs": args.inputs, "tokenizer": args.tokenizer,
                           "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                           "seconds": round(time.monotonic() - started, 3)},
        }
        manifest["hash"] = manifest_hash(manifest)
        writer.commit(manifest, tokenizer.to_str())
    except BaseException:
        writer.abort()
        raise
    return {"up_to_date": False, "manifest": manifest}


def main(argv: list[str] | None = None) -> int:
    def stop(signum: int, _frame: Any) -> None:
        raise Stopped(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    args = parse_args(argv)
    try:
        result = tokenize(args)
    except (BadInput, TokenDataError) as exc:
        emit("error", code="bad_input", message=str(exc))
        return 2
    except Stopped as exc:
        emit("error", code="stopped", message=f"stopped ({exc}); nothing was written")
        return 130
    except Exception as exc:
        traceback.print_exc()
        emit("error", code="failure", message=f"{type(exc).__name__}: {exc}")
        return 1
    emit("done", out=str(Path(args.out).expanduser().resolve()), **result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
