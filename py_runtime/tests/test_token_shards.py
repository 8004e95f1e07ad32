"""The gpt plugin's `source: tokens` data (plugins/gpt/tokens.py): memory-mapped random windows, a
fixed held-out split, the tokenizer's vocabulary as a model hint, and nanoGPT's raw .bin shards."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from flops_fit_worker.token_shards import TokenDataError
from flops_fit_worker.tokenizing.__main__ import main
from plugins.gpt.data import ByteCorpus
from plugins.gpt.tokens import TokenShards

TEXT = "".join(f"def f{i}(x):\n    return x * {i} + {i % 7}\n\n" for i in range(600))


@pytest.fixture(scope="module")
def token_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shards")
    corpus = root / "corpus"
    corpus.mkdir()
    for index in range(6):
        (corpus / f"part{index}.py").write_text(TEXT[index * 4000:(index + 1) * 4000])
    out = root / "tokens"
    assert main([str(corpus), "--tokenizer", "bpe:320", "--out", str(out), "--shard-tokens", "1500",
                 "--heldout-fraction", "0.2"]) == 0
    return out


def all_tokens(folder: Path, split: str) -> np.ndarray:
    manifest = json.loads((folder / "manifest.json").read_text())
    return np.concatenate([np.fromfile(folder / s["file"], dtype="<u2") for s in manifest["splits"][split]["shards"]])


def test_the_plugin_data_target_gives_token_shards_for_source_tokens(token_folder: Path) -> None:
    data = ByteCorpus(source="tokens", path=str(token_folder), seq_len=16, hf_split="train", text_field="text",
                      heldout_fraction=0.02, seed=3)
    assert isinstance(data, TokenShards)
    manifest = json.loads((token_folder / "manifest.json").read_text())
    assert data.model_hints() == {"vocab_size": manifest["vocab_size"], "seq_len": 16}
    assert data.train_tokens == manifest["splits"]["train"]["tokens"]
    assert isinstance(ByteCorpus(source="path", path=str(token_folder / "tokenizer.json"), seq_len=16), ByteCorpus)


def test_training_windows_are_seeded_shifted_and_inside_one_shard(token_folder: Path) -> None:
    data = TokenShards(path=str(token_folder), seq_len=16)
    inputs, targets = next(data.train_batches(64, seed=1))
    assert inputs.shape == targets.shape == (64, 16) and inputs.dtype == torch.int64
    assert torch.equal(inputs[:, 1:], targets[:, :-1])
    shards = [np.fromfile(token_folder / f"train-{i:05d}.bin", dtype="<u2") for i in range(len(data.train.maps))]
    for row in torch.cat([inputs, targets[:, -1:]], dim=1).numpy():
        assert any(any(np.array_equal(shard[s:s + 17], row) for s in range(len(shard) - 16)) for shard in shards)
    again = next(TokenShards(path=str(token_folder), seq_len=16).train_batches(64, seed=1))
    other = next(data.train_batches(64, seed=2))
    assert torch.equal(again[0], inputs) and not torch.equal(other[0], inputs)


def test_the_held_out_split_is_fixed_and_read_across_shards(token_folder: Path) -> None:
    data = TokenShards(path=str(token_folder), seq_len=16)
    heldout = torch.from_numpy(all_tokens(token_folder, "heldout").astype(np.int64))
    n_tokens = 200
    batches = list(data.eval_batches(batch_size=5, n_tokens=n_tokens))
    assert sum(t.numel() for _, t in batches) == n_tokens
    predicted = torch.cat([t.reshape(-1) for _, t in batches])
    assert torch.equal(predicted, heldout[1:n_tokens + 1])
    regrouped = torch.cat([t.reshape(-1) for _, t in data.eval_batches(batch_size=3, n_tokens=n_tokens)])
    assert torch.equal(regrouped, predicted)
    everything = sum(t.numel() for _, t in data.eval_batches(batch_size=8, n_tokens=10**9))
    assert everything == (len(heldout) - 1) // 16 * 16


def test_shards_changed_since_the_plan_are_refused(token_folder: Path) -> None:
    with pytest.raises(TokenDataError, match="changed since this sweep was planned"):
        TokenShards(path=str(token_folder), seq_len=16, data_hash="0123456789abcdef")


def test_nanogpt_raw_bin_shards(tmp_path: Path) -> None:
    folder = tmp_path / "nanogpt"
    folder.mkdir()
    train = np.arange(5000, dtype=np.uint16) % 1000
    val = (np.arange(800, dtype=np.uint16) * 7) % 1000
    train.tofile(folder / "train.bin")
    val.tofile(folder / "val.bin")
    data = TokenShards(path=str(folder), seq_len=32, dtype="uint16", vocab_size=1000)
    assert data.model_hints()["vocab_size"] == 1000 and data.train_tokens == 5000
    _, targets = next(data.eval_batches(4, 64))
    assert torch.equal(targets.reshape(-1)[:64], torch.from_numpy(val[1:65].astype(np.int64)))
    # one file: its tail is held out
    single = TokenShards(path=str(folder / "train.bin"), seq_len=32, dtype="uint16", vocab_size=1000, heldout_fraction=0.1)
    assert single.train_tokens == 4500 and len(single.heldout) == 500
    wide = tmp_path / "wide.bin"
    (np.arange(3000, dtype=np.uint32) * 31).tofile(wide)
    assert int(next(TokenShards(path=str(wide), seq_len=8, dtype="uint32", vocab_size=100_000).train_batches(8, 0))[0].max()) > 65_535


def test_raw_shards_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "train.bin"
    (np.arange(3000, dtype=np.uint16)).tofile(path)
    with pytest.raises(TokenDataError, match="give their dtype"):
        TokenShards(path=str(path), seq_len=8)
    with pytest.raises(TokenDataError, match="too large for uint16"):
        TokenShards(path=str(path), seq_len=8, dtype="uint16", vocab_size=70_000)
    with pytest.raises(TokenDataError, match="outside vocab_size=1000"):
        TokenShards(path=str(path), seq_len=8, dtype="uint16", vocab_size=1000)
    with pytest.raises(TokenDataError, match="does not exist"):
        TokenShards(path=str(tmp_path / "nowhere"), seq_len=8)
    with pytest.raises(TokenDataError, match="too few"):
        TokenShards(path=str(path), seq_len=2048, dtype="uint16", vocab_size=4000)
