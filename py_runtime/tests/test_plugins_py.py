"""The built-in plugins' Python side: GPT and ByteCorpus, ViT, Digits and CIFAR-10."""
from __future__ import annotations

import pickle
import sysconfig
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import Recorder, make_task

from flops_fit_worker.models import build_data, build_model
from flops_fit_worker.params import count_parameters
from flops_fit_worker.protocol import check_outgoing
from flops_fit_worker.training import train
from plugins.gpt.data import ByteCorpus
from plugins.gpt.model import GPT
from plugins.vit.data import CIFAR10, Digits
from plugins.vit.model import ViT

# ------------------------------------------------------------------ GPT


@pytest.mark.parametrize("d, layers, seq, vocab", [(16, 1, 16, 256), (64, 2, 128, 256), (96, 3, 32, 100)])
def test_gpt_parameter_counts_follow_the_closed_form(d: int, layers: int, seq: int, vocab: int) -> None:
    counts = count_parameters(GPT(d, n_layers=layers, n_heads=4, seq_len=seq, vocab_size=vocab))
    blocks = layers * (12 * d * d + 4 * d)       # qkv 3d², proj d², MLP 8d²; two LayerNorms of 2d
    assert counts.total == blocks + 2 * vocab * d + seq * d + 2 * d  # embedding, untied head, positions, ln_f
    assert counts.embedding == vocab * d + seq * d                    # tok_emb and pos_emb
    assert counts.non_embedding == blocks + vocab * d + 2 * d          # the head is not an embedding


def test_gpt_refuses_a_head_count_that_does_not_divide_d_model() -> None:
    with pytest.raises(ValueError, match=r"n_heads=3 must divide d_model=64"):
        GPT(64, n_heads=3)


def test_gpt_returns_logits_and_takes_its_vocab_and_length_from_the_data(corpus_file: Path) -> None:
    data = ByteCorpus(source="path", path=str(corpus_file), seq_len=24)
    spec = {"target": "plugins.gpt.model:GPT", "size_param": "d_model", "options": {"n_heads": 4}}
    model = build_model(spec, 32.0, data)
    assert isinstance(model, GPT) and model.seq_len == 24
    inputs, _ = next(data.train_batches(3, 0))
    assert model(inputs).shape == (3, 24, 256)
    with pytest.raises(ValueError, match="more than seq_len=24"):
        model(torch.zeros(1, 25, dtype=torch.long))


# ------------------------------------------------------------------ ByteCorpus


def test_byte_corpus_defaults_to_the_sorted_stdlib_sources() -> None:
    data = ByteCorpus()
    stdlib = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))
    total = len(data.train) + len(data.heldout)
    assert total == sum(p.stat().st_size for p in stdlib) + 2 * (len(stdlib) - 1)  # files joined by a blank line
    assert total > 1_000_000
    assert len(data.heldout) == int(total * 0.02)
    assert bytes(data.train[:len(stdlib[0].read_bytes())].tolist()) == stdlib[0].read_bytes()
    assert data.model_hints() == {"vocab_size": 256, "seq_len": 128} and data.tokens_per_sample == 128


def test_byte_corpus_batches_are_shifted_windows_in_a_seeded_order(corpus_file: Path) -> None:
    data = ByteCorpus(source="path", path=str(corpus_file), seq_len=16)
    a, b, c = (data.train_batches(4, s) for s in (7, 7, 8))
    for _ in range(3):
        (xa, ya), (xb, yb), (xc, _) = next(a), next(b), next(c)
        assert xa.shape == ya.shape == (4, 16) and xa.dtype == torch.long
        assert torch.equal(xa, xb) and torch.equal(ya, yb) and not torch.equal(xa, xc)
        assert torch.equal(xa[:, 1:], ya[:, :-1])  # targets are the inputs moved one byte on


def test_byte_corpus_holds_out_a_fixed_tail_and_scores_exactly_n_tokens(corpus_file: Path) -> None:
    data = ByteCorpus(source="path", path=str(corpus_file), seq_len=16, heldout_fraction=0.1, seed=1)
    raw = corpus_file.read_bytes()
    assert bytes(data.heldout.tolist()) == raw[len(raw) - int(len(raw) * 0.1):]
    batches = list(data.eval_batches(5, 100))
    assert sum(t.numel() for _, t in batches) == 100  # 6 full windows of 16, then one of 4
    assert [tuple(t.shape) for _, t in batches] == [(5, 16), (1, 16), (1, 4)]
    assert bytes(batches[0][0][0].tolist()) == raw[len(raw) - int(len(raw) * 0.1):][:16]
    assert sum(t.numel() for _, t in data.eval_batches(64, 10**9)) == (len(data.heldout) - 1) // 16 * 16


def test_byte_corpus_reads_a_folder_of_text_files(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text("second " * 100)
    (tmp_path / "a.txt").write_text("first " * 100)
    (tmp_path / "skip.bin").write_bytes(b"\x00" * 1000)
    data = ByteCorpus(source="path", path=str(tmp_path), seq_len=8, heldout_fraction=0.1)
    joined = bytes(data.train.tolist()) + bytes(data.heldout.tolist())
    assert joined == ("first " * 100).encode() + b"\n\n" + ("second " * 100).encode()


def test_byte_corpus_reads_a_local_hugging_face_dataset(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    texts = [f"document {i}: " + "lorem ipsum " * 20 for i in range(30)]
    datasets.Dataset.from_dict({"body": texts, "n": list(range(30))}).save_to_disk(str(tmp_path / "ds"))
    data = ByteCorpus(source="hf", hf_dataset=str(tmp_path / "ds"), text_field="body", seq_len=16)
    assert bytes(data.train.tolist()) + bytes(data.heldout.tolist()) == "\n\n".join(texts).encode()
    splits = datasets.DatasetDict({"train": datasets.Dataset.from_dict({"text": texts[:20]}),
                                   "validation": datasets.Dataset.from_dict({"text": texts[20:]})})
    splits.save_to_disk(str(tmp_path / "dd"))
    validation = ByteCorpus(source="hf", hf_dataset=str(tmp_path / "dd"), hf_split="validation", seq_len=16)
    assert bytes(validation.train.tolist()).startswith(b"document 20:")
    with pytest.raises(FileNotFoundError, match="never downloads"):
        ByteCorpus(source="hf", hf_dataset="some-org/some-dataset")


def test_byte_corpus_names_the_problem_with_a_bad_source(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown source 'web'"):
        ByteCorpus(source="web")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ByteCorpus(source="path", path=str(tmp_path / "missing.txt"))


# ------------------------------------------------------------------ ViT and images


def test_vit_counts_and_shapes() -> None:
    model = ViT(32, depth=2, heads=2, patch_size=2, image_size=8, channels=1, num_classes=10, mlp_ratio=2)
    counts = count_parameters(model)
    assert counts.embedding == 17 * 32  # the learned position table: 16 patches + CLS
    block = (3 * 32 * 32 + 3 * 32) + (32 * 32 + 32) + 2 * (2 * 32 * 32) + 2 * 32 + 32 + 4 * 32
    assert counts.total == (1 * 4 * 32 + 32) + 32 + 17 * 32 + 2 * block + 2 * 32 + (32 * 10 + 10)
    assert model(torch.randn(5, 1, 8, 8)).shape == (5, 10)
    with pytest.raises(ValueError, match="heads=3 must divide width=32"):
        ViT(32, heads=3)
    with pytest.raises(ValueError, match="patch_size=3 must divide image_size=8"):
        ViT(32, patch_size=3)


def test_digits_split_is_fixed_and_batches_are_seeded() -> None:
    a, b = Digits(seed=0), Digits(seed=5)
    assert len(a.train_labels) + len(a.heldout_labels) == 1797
    assert len(a.heldout_labels) == 359  # every fifth sample
    assert torch.equal(a.heldout_images, b.heldout_images)  # the seed never moves the held-out split
    x1, y1 = next(a.train_batches(16, 3))
    x2, y2 = next(b.train_batches(16, 3))
    assert torch.equal(x1, x2) and torch.equal(y1, y2) and x1.shape == (16, 1, 8, 8)
    assert abs(float(x1.mean())) < 1.0
    assert a.model_hints() == {"num_classes": 10, "image_size": 8, "channels": 1} and a.tokens_per_sample == 1
    assert sum(len(y) for _, y in a.eval_batches(100, 10**6)) == 359  # capped at the whole held-out split
    batches = a.train_batches(1438, 0)  # exactly one epoch of the 1438 training images per batch
    first, second = next(batches)[1], next(batches)[1]
    assert torch.equal(first.sort().values, a.train_labels.sort().values)  # each image once per epoch
    assert not torch.equal(first, second)                                  # in a new order each epoch


def write_cifar(folder: Path, per_batch: int = 4, test: int = 3) -> None:
    """A tiny CIFAR-10 in the python-version format: five data batches and a test batch."""
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name, n in [(f"data_batch_{i}", per_batch) for i in range(1, 6)] + [("test_batch", test)]:
        batch = {b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                 b"labels": [int(v) for v in rng.integers(0, 10, n)], b"batch_label": name.encode()}
        with open(folder / name, "wb") as f:
            pickle.dump(batch, f)


def test_cifar10_reads_the_python_batches(tmp_path: Path) -> None:
    write_cifar(tmp_path / "cifar-10-batches-py")
    data = CIFAR10(root=str(tmp_path))
    assert data.train_images.shape == (20, 3, 32, 32) and data.heldout_images.shape == (3, 3, 32, 32)
    with open(tmp_path / "cifar-10-batches-py" / "test_batch", "rb") as f:
        test = pickle.load(f, encoding="bytes")
    assert data.heldout_labels.tolist() == test[b"labels"]
    assert torch.equal(data.heldout_images[0, :, 0, 0],
                       torch.tensor(test[b"data"][0][[0, 1024, 2048]]))  # channel-major rows of 32×32
    assert data.model_hints() == {"num_classes": 10, "image_size": 32, "channels": 3, "patch_size": 4}
    spec = {"target": "plugins.vit.model:ViT", "size_param": "width", "options": {}}
    model = build_model(spec, 16, data)
    images, labels = next(data.train_batches(6, 0))
    assert model(images).shape == (6, 10) and labels.dtype == torch.long
    with pytest.raises(FileNotFoundError, match="never\\s+downloads"):
        CIFAR10(root=str(tmp_path / "nowhere"))


def test_vit_on_digits_trains_end_to_end(corpus_file: Path) -> None:
    task = make_task(corpus_file, model={"target": "plugins.vit.model:ViT", "size_param": "width", "options": {}},
                     size_value=16, data={"target": "plugins.vit.data:Digits", "options": {}},
                     loss={"target": "flops_fit_worker.losses:cross_entropy"}, n_tokens=64 * 40,
                     training={"batch_size": 64, "lr": 1e-2, "eval_tokens": 200})
    result = train(task, Recorder(task).ctx)
    check_outgoing(result)
    assert result["status"] == "completed" and result["steps"] == 40 and result["n_tokens"] == 2560
    assert result["loss"] < np.log(10) - 0.1  # better than guessing (a ViT plateaus at ln 10 at first)
    assert result["flops_measured"] > result["flops_6nd"] * 5  # 17 tokens of compute per "token" (image)
    data = build_data(task["data"], seed=0)
    assert data.tokens_per_sample == 1


def test_a_folder_without_text_is_a_data_error_that_names_the_folder_what_it_looked_for_and_found(tmp_path: Path) -> None:
    (tmp_path / "a.txt.gz").write_bytes(b"\x1f\x8b")
    (tmp_path / "b.gz").write_bytes(b"\x1f\x8b")
    from flops_fit_worker.models import DataError
    with pytest.raises(DataError) as raised:
        build_data({"target": "plugins.gpt.data:ByteCorpus", "options": {"source": "path", "path": str(tmp_path)}}, seed=0)
    message = str(raised.value)
    assert message.startswith("the data plugins.gpt.data:ByteCorpus could not be loaded: ValueError: ByteCorpus: path ")
    assert "holds no text file to read (looked for .txt, .md, .py files under it; found 2 other file(s): a.txt.gz, b.gz)" in message
    assert "buffer length" not in message


def test_a_probe_whose_data_does_not_load_is_a_data_error_not_a_model_failure(tmp_path: Path) -> None:
    from flops_fit_worker.worker import execute
    task = {"type": "task", "kind": "probe", "task_id": "probe",
            "model": {"target": "plugins.gpt.model:GPT", "size_param": "d_model", "options": {}},
            "data": {"target": "plugins.gpt.data:ByteCorpus", "options": {"source": "path", "path": str(tmp_path)}},
            "loss": None, "size_values": [16], "measure_flops": False, "sys_path": []}
    answer = execute(task, channel=None)  # type: ignore[arg-type]
    assert answer["type"] == "task_error" and answer["code"] == "data_error" and answer["traceback"] is None
    assert "holds no text file to read" in answer["message"] and "found no files" in answer["message"]
    check_outgoing(answer)
