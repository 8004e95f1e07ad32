"""What `flops-fit tokenize` reads: the inputs named on its command line, as a stream of documents.

An input is
- `stdlib:`: the top-level `*.py` files of this Python's standard library (as ByteCorpus reads
  them), on every machine that has Python;
- a folder written by `datasets`' `save_to_disk` (its `train` split when it holds several);
- a `.jsonl`/`.json`, `.csv` or `.parquet` file: one document per row, the text in `field`;
- any other file: plain UTF-8 text, one document;
- a folder: every `.txt .md .rst .py .jsonl .csv .parquet` file under it, sorted (not `.json`:
  in a folder that is more often a config than rows, and a token folder's own manifest).

Each document is one `Document`: its text, and how far through the inputs' bytes reading has come
(for progress). A row without the field, a field that is not text, or an input with nothing to
read is a `BadInput` naming the file (and line or row).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STDLIB = "stdlib:"
TEXT_SUFFIXES = (".txt", ".md", ".rst", ".py")
FOLDER_ROW_SUFFIXES = (".jsonl", ".csv", ".parquet")
HF_MARKERS = ("dataset_info.json", "dataset_dict.json", "state.json")


class BadInput(ValueError):
    """Input that cannot be tokenized as given: the message says what and where."""


@dataclass(frozen=True)
class Source:
    """One thing to read: a file (`kind` text, jsonl, csv, parquet) or a saved HF dataset (`hf`)."""

    path: Path
    kind: str
    size_bytes: int


@dataclass(frozen=True)
class Document:
    text: str
    bytes_done: int  # bytes of the inputs read so far (for progress)


def _kind(file: Path) -> str:
    suffix = file.suffix.lower()
    return {".jsonl": "jsonl", ".json": "jsonl", ".csv": "csv", ".parquet": "parquet"}.get(suffix, "text")


def _is_hf_dataset(folder: Path) -> bool:
    return any((folder / marker).is_file() for marker in HF_MARKERS)


def _folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def find_sources(inputs: list[str]) -> list[Source]:
    """The files and datasets the inputs name, in reading order; BadInput when one does not exist
    or when all of them together hold nothing to read."""
    sources: list[Source] = []
    for name in inputs:
        if name == STDLIB:
            stdlib = Path(sysconfig.get_paths()["stdlib"])
            sources += [Source(f, "text", f.stat().st_size) for f in sorted(stdlib.glob("*.py"))]
            continue
        path = Path(name).expanduser()
        if not path.exists():
            raise BadInput(f"{name}: no such file or folder")
        if path.is_dir() and _is_hf_dataset(path):
            sources.append(Source(path, "hf", _folder_size(path)))
        elif path.is_dir():
            suffixes = TEXT_SUFFIXES + FOLDER_ROW_SUFFIXES
            files = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in suffixes)
            if not files:
                raise BadInput(f"{name}: a folder with no file to read (looked for {', '.join(suffixes)}, "
                               f"or a save_to_disk dataset)")
            sources += [Source(f, _kind(f), f.stat().st_size) for f in files]
        else:
            sources.append(Source(path, _kind(path), path.stat().st_size))
    if not any(s.size_bytes for s in sources):
        raise BadInput(f"nothing to read: {', '.join(inputs) or '(no input)'} "
                       f"{'holds' if len(inputs) == 1 else 'hold'} no bytes")
    return sources


def inputs_hash(sources: list[Source], field: str) -> str:
    """sha256 of the inputs' contents in reading order (not their names or places) and the field."""
    digest = hashlib.sha256(f"field={field}\n".encode())
    for source in sources:
        files = sorted(f for f in source.path.rglob("*") if f.is_file()) if source.kind == "hf" else [source.path]
        for file in files:
            digest.update(f"{file.relative_to(source.path) if source.kind == 'hf' else ''}:{file.stat().st_size}\n".encode())
            with file.open("rb") as handle:
                while block := handle.read(1 << 22):
                    digest.update(block)
    return digest.hexdigest()


def _text(value: Any, field: str, where: str) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        raise BadInput(f"{where}: field {field!r} is missing or null")
    raise BadInput(f"{where}: field {field!r} holds a {type(value).__name__}, not text")


def _jsonl_rows(file: Path, field: str) -> Iterator[tuple[str, int]]:
    with file.open("rb") as handle:
        first = handle.read(1).lstrip()
        handle.seek(0)
        if first == b"[":  # a .json file holding one array of objects
            rows = json.load(handle)
            for index, row in enumerate(rows):
                yield _row_text(row, field, f"{file}: item {index}"), file.stat().st_size * (index + 1) // len(rows)
            return
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise BadInput(f"{file}:{number}: not a JSON object ({exc})") from None
            yield _row_text(row, field, f"{file}:{number}"), handle.tell()


def _row_text(row: Any, field: str, where: str) -> str:
    if not isinstance(row, dict):
        raise BadInput(f"{where}: a row must be a JSON object with a {field!r} field")
    if field not in row:
        raise BadInput(f"{where}: no field {field!r} (fields: {', '.join(sorted(row)) or 'none'}); choose one with --field")
    return _text(row[field], field, where)


def _csv_rows(file: Path, field: str) -> Iterator[tuple[str, int]]:
    csv.field_size_limit(sys.maxsize)
    with file.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        if field not in (reader.fieldnames or []):
            raise BadInput(f"{file}:1: no column {field!r} (columns: {', '.join(reader.fieldnames or []) or 'none'}); "
                           f"choose one with --field")
        size = file.stat().st_size
        for row in reader:
            yield _text(row[field], field, f"{file}:{reader.line_num}"), min(size, raw.tell())


def _parquet_rows(file: Path, field: str) -> Iterator[tuple[str, int]]:
    import pyarrow.parquet as pq

    table = pq.ParquetFile(file)
    if field not in table.schema_arrow.names:
        raise BadInput(f"{file}: no column {field!r} (columns: {', '.join(table.schema_arrow.names)}); choose one with --field")
    rows, size, done = max(table.metadata.num_rows, 1), file.stat().st_size, 0
    for batch in table.iter_batches(columns=[field], batch_size=1024):
        for value in batch.column(0).to_pylist():
            yield _text(value, field, f"{file}: row {done}"), size * done // rows
            done += 1


def _hf_rows(folder: Path, field: str) -> Iterator[tuple[str, int]]:
    try:
        import datasets
    except ImportError:
        raise BadInput(f"{folder}: a saved Hugging Face dataset needs the `datasets` package "
                       f"(pip install datasets, or npm run setup:python)") from None
    loaded = datasets.load_from_disk(str(folder))
    if isinstance(loaded, datasets.DatasetDict):
        splits = list(loaded)
        if len(splits) != 1 and "train" not in splits:
            raise BadInput(f"{folder}: a dataset of splits {', '.join(splits)} and none named train: save the split to tokenize")
        loaded = loaded["train" if "train" in splits else splits[0]]
    if field not in loaded.column_names:
        raise BadInput(f"{folder}: no column {field!r} (columns: {', '.join(loaded.column_names)}); choose one with --field")
    rows, size, done = max(len(loaded), 1), _folder_size(folder), 0
    for batch in loaded.select_columns([field]).iter(batch_size=1024):
        for value in batch[field]:
            yield _text(value, field, f"{folder}: row {done}"), size * done // rows
            done += 1


def documents(sources: list[Source], field: str) -> Iterator[Document]:
    """Every document of the inputs in order; text files are decoded as UTF-8 (invalid bytes
    become U+FFFD)."""
    before = 0
    for source in sources:
        if source.kind == "text":
            text = source.path.read_bytes().decode("utf-8", errors="replace")
            if text:
                yield Document(text, before + source.size_bytes)
        else:
            rows = {"jsonl": _jsonl_rows, "csv": _csv_rows, "parquet": _parquet_rows, "hf": _hf_rows}[source.kind]
            for text, done in rows(source.path, field):
                yield Document(text, before + done)
        before += source.size_bytes
