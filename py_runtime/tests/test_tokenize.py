"""`python -m flops_fit_worker.tokenizing` (the worker of `flops-fit tokenize`): manifests, shards,
idempotence, every input form, uint32 vocabularies, and every bad input leaving nothing behind."""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tokenizers import Tokenizer, models, pre_tokenizers

from flops_fit_worker.token_shards import read_manifest
from flops_fit_worker.tokenizing.__main__ import main
from flops_fit_worker.tokenizing.encode import pieces

WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()


def document(index: int) -> str:
    rng = np.random.default_rng(index)
    return " ".join(WORDS[i] for i in rng.integers(0, len(WORDS), size=200)) + f"\nend of document {index}\n"


@pytest.fixture()
def text_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "texts"
    folder.mkdir()
    for index in range(20):
        (folder / f"doc{index:02d}.txt").write_text(document(index))
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, Any]]]:
    code = main(list(args))
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return code, events


def bad_input(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, events = run(capsys, *args)
    assert code == 2, events
    assert events[-1]["event"] == "error" and events[-1]["code"] == "bad_input"
    return str(events[-1]["message"])


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir()) if out.exists() else []


def test_bpe_shards_manifest_and_lossless_documents(text_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "tokens"
    code, events = run(capsys, str(text_folder), "--tokenizer", "bpe:300", "--out", str(out), "--heldout-fraction", "0.1")
    assert code == 0, events
    done = events[-1]
    assert done["event"] == "done" and done["up_to_date"] is False
    manifest = read_manifest(out)  # checks the hash and every shard's size
    assert manifest == done["manifest"]
    assert manifest["vocab_size"] == 300 and manifest["dtype"] == "uint16"
    assert manifest["inputs"]["documents"] == 20 and manifest["inputs"]["files"] == 20
    train, heldout = manifest["splits"]["train"], manifest["splits"]["heldout"]
    assert train["tokens"] + heldout["tokens"] == manifest["tokens"]
    assert heldout["tokens"] == int(manifest["tokens"] * 0.1)
    assert train["documents"] + heldout["documents"] == 20
    ids = np.concatenate([np.fromfile(out / s["file"], dtype="<u2") for split in ("train", "heldout")
                          for s in manifest["splits"][split]["shards"]])
    eot = manifest["eot_token"]
    assert np.count_nonzero(ids == eot) == 20 and ids[-1] == eot
    tokenizer = Tokenizer.from_file(str(out / "tokenizer.json"))
    first = ids[: int(np.argmax(ids == eot))].tolist()
    assert tokenizer.decode(first) == document(0)  # byte-level BPE: the text comes back exactly
    assert manifest["tokens_per_byte"] == pytest.approx(manifest["tokens"] / manifest["inputs"]["text_bytes"])
    assert not any(name.startswith(".tokenize-") for name in leftovers(out))


def test_same_inputs_and_tokenizer_again_is_nothing_to_do(text_folder: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "tokens"
    assert run(capsys, str(text_folder), "--tokenizer", "bpe:300", "--out", str(out))[0] == 0
    shard = out / "train-00000.bin"
    before = (shard.stat().st_mtime_ns, json.loads((out / "manifest.json").read_text())["hash"])
    code, events = run(capsys, str(text_folder), "--tokenizer", "bpe:300", "--out", str(out))
    assert code == 0 and events[-1]["up_to_date"] is True
    assert [e["stage"] for e in events if e["event"] == "stage"] == ["hash"]  # nothing trained or encoded
    assert (shard.stat().st_mtime_ns, events[-1]["manifest"]["hash"]) == before
    # A changed input is tokenized again, into a manifest with another hash (and no stale shard).
    (text_folder / "doc00.txt").write_text(document(99))
    code, events = run(capsys, str(text_folder), "--tokenizer", "bpe:300", "--out", str(out))
    assert code == 0 and events[-1]["up_to_date"] is False
    assert events[-1]["manifest"]["hash"] != before[1]
    read_manifest(out)


def test_the_hash_names_the_tokens_not_where_they_came_from(text_folder: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    moved = tmp_path / "elsewhere"
    text_folder.rename(moved)
    hashes = []
    for source, out in ((moved, tmp_path / "a"), (moved, tmp_path / "b")):
        code, events = run(capsys, str(source), "--tokenizer", "bpe:300", "--out", str(out))
        assert code == 0
        hashes.append(events[-1]["manifest"]["hash"])
    assert hashes[0] == hashes[1]


def test_row_formats_read_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    texts = [document(i) for i in range(12)]
    jsonl = tmp_path / "rows.jsonl"
    jsonl.write_text("".join(json.dumps({"content": t, "id": i}) + "\n" for i, t in enumerate(texts)))
    table = tmp_path / "rows.csv"
    with table.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "content"])
        writer.writeheader()
        writer.writerows({"id": i, "content": t} for i, t in enumerate(texts))
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet = tmp_path / "rows.parquet"
    pq.write_table(pa.table({"content": texts}), parquet)
    counts = []
    for source in (jsonl, table, parquet):
        code, events = run(capsys, str(source), "--tokenizer", "bpe:280", "--out", str(tmp_path / source.suffix[1:]),
                           "--field", "content")
        assert code == 0, events
        manifest = events[-1]["manifest"]
        assert manifest["inputs"]["documents"] == 12
        counts.append(manifest["tokens"])
    assert len(set(counts)) == 1  # the same texts, whatever the file format


def test_a_saved_hugging_face_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    datasets = pytest.importorskip("datasets")
    saved = tmp_path / "saved"
    datasets.DatasetDict({"train": datasets.Dataset.from_dict({"text": [document(i) for i in range(8)]})}).save_to_disk(str(saved))
    code, events = run(capsys, str(saved), "--tokenizer", "bpe:280", "--out", str(tmp_path / "tokens"))
    assert code == 0, events
    assert events[-1]["manifest"]["inputs"]["documents"] == 8


def word_level_tokenizer(path: Path, size: int) -> Path:
    """A tokenizer.json of `size` tokens (word level): the words in WORDS get the highest ids."""
    vocab = {f"w{i}": i for i in range(size - len(WORDS) - 5)}
    for word in [*WORDS, "end", "of", "document"]:
        vocab[word] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    vocab["[UNK]"] = len(vocab)
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.save(str(path))
    return path


def test_a_vocabulary_past_uint16_is_stored_as_uint32(text_folder: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    tokenizer = word_level_tokenizer(tmp_path / "tokenizer.json", 70_000)
    out = tmp_path / "tokens"
    code, events = run(capsys, str(text_folder), "--tokenizer", str(tokenizer), "--out", str(out))
    assert code == 0, events
    manifest = events[-1]["manifest"]
    assert manifest["vocab_size"] == 70_000 and manifest["dtype"] == "uint32"
    ids = np.fromfile(out / "train-00000.bin", dtype="<u4")
    assert ids.max() >= 65_536 and ids.max() < 70_000
    assert manifest["eot"] == "<|endoftext|>"


def test_shards_roll_over_and_the_tail_is_held_out(text_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "tokens"
    code, events = run(capsys, str(text_folder), "--tokenizer", "bpe:300", "--out", str(out), "--shard-tokens", "500",
                       "--heldout-fraction", "0.3")
    assert code == 0, events
    manifest = read_manifest(out)
    train, heldout = manifest["splits"]["train"], manifest["splits"]["heldout"]
    assert len(train["shards"]) > 2 and len(heldout["shards"]) > 1
    assert all(s["tokens"] <= 500 for split in (train, heldout) for s in split["shards"])
    single = tmp_path / "single"
    run(capsys, str(text_folder), "--tokenizer", "bpe:300", "--out", str(single), "--heldout-fraction", "0.3")
    whole = np.concatenate([np.fromfile(out / s["file"], dtype="<u2") for s in train["shards"] + heldout["shards"]])
    assert np.array_equal(whole, np.concatenate([np.fromfile(single / f, dtype="<u2") for f in ("train-00000.bin", "heldout-00000.bin")]))


def test_bad_inputs_exit_2_naming_the_problem_and_leave_nothing(text_folder: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "tokens"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no file to read" in bad_input(capsys, str(empty), "--tokenizer", "bpe:300", "--out", str(out))
    (tmp_path / "blank.txt").write_text("")
    assert "nothing to read" in bad_input(capsys, str(tmp_path / "blank.txt"), "--tokenizer", "bpe:300", "--out", str(out))
    assert "no such file" in bad_input(capsys, str(tmp_path / "missing"), "--tokenizer", "bpe:300", "--out", str(out))
    rows = tmp_path / "rows.jsonl"
    rows.write_text("".join(json.dumps({"text": document(i)}) + "\n" for i in range(30)) + json.dumps({"body": "x"}) + "\n")
    message = bad_input(capsys, str(rows), "--tokenizer", "bpe:300", "--out", str(out), "--shard-tokens", "200")
    assert f"{rows}:31" in message and "'text'" in message and "body" in message
    broken = tmp_path / "broken.json"
    broken.write_text('{"model": "not a tokenizer"}')
    assert "does not load" in bad_input(capsys, str(text_folder), "--tokenizer", str(broken), "--out", str(out))
    big = word_level_tokenizer(tmp_path / "big.json", 70_000)
    message = bad_input(capsys, str(text_folder), "--tokenizer", str(big), "--out", str(out), "--dtype", "uint16")
    assert "too large for uint16" in message
    assert "at least 257" in bad_input(capsys, str(text_folder), "--tokenizer", "bpe:100", "--out", str(out))
    assert "bpe:V" in bad_input(capsys, str(text_folder), "--tokenizer", "bpe:lots", "--out", str(out))
    assert "--eot" in bad_input(capsys, str(text_folder), "--tokenizer", str(big), "--out", str(out), "--eot", "<none>")
    assert leftovers(out) == []  # no shard, half-written or whole, and no staging folder


def test_a_failed_tokenize_leaves_the_previous_folder_whole(text_folder: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "tokens"
    assert run(capsys, str(text_folder), "--tokenizer", "bpe:300", "--out", str(out), "--shard-tokens", "300")[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    rows = tmp_path / "rows.jsonl"
    rows.write_text("".join(json.dumps({"text": document(i)}) + "\n" for i in range(40)) + "[1, 2]\n")
    bad_input(capsys, str(rows), "--tokenizer", "bpe:300", "--out", str(out), "--shard-tokens", "300")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    # --out on a folder of other files is refused (tokenize never deletes what it did not write)
    assert "other files" in bad_input(capsys, str(rows), "--tokenizer", "bpe:300", "--out", str(text_folder))


def test_long_documents_are_encoded_in_pieces_cut_after_newlines() -> None:
    text = "".join(f"line {i}\n" for i in range(1000))
    parts = list(pieces(text, size=100))
    assert "".join(parts) == text
    assert all(len(p) <= 100 and p.endswith("\n") for p in parts)
    assert list(pieces("x" * 250, size=100)) == ["x" * 100, "x" * 100, "x" * 50]
