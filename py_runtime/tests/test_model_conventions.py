"""Real models, unchanged: output and calling conventions, data hints under the model's own
argument names, and the pre-flight check that refuses a double shift."""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from conftest import Recorder, make_task
from torch import nn

from flops_fit_worker.calling import forward_loss, labels_keyword
from flops_fit_worker.losses import cross_entropy, next_token_cross_entropy
from flops_fit_worker.models import build_model, map_hints
from flops_fit_worker.outputs import logits_of, loss_of
from flops_fit_worker.preflight import TargetMisalignment, check_target_alignment, data_offset
from flops_fit_worker.training import train
from flops_fit_worker.vision_compat import ensure_torchvision_importable

LOGITS = torch.randn(2, 5, 7)


class ModelOutputLike(OrderedDict):  # type: ignore[type-arg]
    """What a Hugging Face ModelOutput is: a dict with attributes, and a tuple view whose first item is the loss."""

    def __getattr__(self, name: str) -> Any:
        if name in self:
            return self[name]
        raise AttributeError(name)


@pytest.mark.parametrize("outputs", [
    LOGITS, (LOGITS, "cache"), [LOGITS], {"logits": LOGITS},
    ModelOutputLike(loss=torch.tensor(1.0), logits=LOGITS),
])
def test_logits_of_reads_every_output_convention(outputs: Any) -> None:
    assert logits_of(outputs) is LOGITS
    assert cross_entropy(outputs, torch.zeros(2, 5, dtype=torch.long)).dim() == 0


def test_loss_of_reads_dot_loss_a_loss_key_or_a_scalar_and_none_otherwise() -> None:
    assert loss_of(ModelOutputLike(loss=torch.tensor(2.0), logits=LOGITS)).item() == 2.0
    assert loss_of({"loss": torch.tensor(3.0)}).item() == 3.0
    assert loss_of(torch.tensor(4.0)).item() == 4.0
    assert loss_of(LOGITS) is None


class CacheModel(nn.Module):
    """Like GPT-2: the second positional argument is a cache, not the targets."""

    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(16, 8)
        self.head = nn.Linear(8, 16)

    def forward(self, input_ids: torch.Tensor, past_key_values: Any = None) -> torch.Tensor:
        assert past_key_values is None, "targets were passed positionally"
        return self.head(self.emb(input_ids))


class LabelsModel(CacheModel):
    """Computes its own loss from `labels=` without shifting them."""

    def forward(self, input_ids: torch.Tensor, past_key_values: Any = None, labels: torch.Tensor | None = None) -> Any:  # type: ignore[override]
        logits = self.head(self.emb(input_ids))
        loss = None if labels is None else F.cross_entropy(logits.flatten(0, 1), labels.flatten())
        return {"loss": loss, "logits": logits}


def test_targets_are_never_passed_positionally() -> None:
    ids = torch.randint(0, 16, (2, 6))
    with pytest.raises(TypeError, match="never passes targets positionally"):
        forward_loss(CacheModel(), ids, ids, None)
    assert forward_loss(CacheModel(), ids, ids, next_token_cross_entropy).dim() == 0  # with a loss target: model(ids)
    assert labels_keyword(LabelsModel()) == "labels"
    assert forward_loss(LabelsModel(), ids, ids, None).dim() == 0                    # labels by keyword


class ShiftingLM(CacheModel):
    """A causal LM that shifts `labels` itself, as every Hugging Face ...ForCausalLM does."""

    def forward(self, input_ids: torch.Tensor, labels: torch.Tensor | None = None) -> Any:  # type: ignore[override]
        logits = self.head(self.emb(input_ids))
        loss = None
        if labels is not None:
            loss = F.cross_entropy(logits[:, :-1].flatten(0, 1), labels[:, 1:].flatten(), ignore_index=-100)
        return ModelOutputLike(loss=loss, logits=logits)


class TokenData:
    """Token batches: `shift` 1 yields targets[:, t] = inputs[:, t+1] (next tokens), 0 the inputs themselves."""

    tokens_per_sample = 12

    def __init__(self, shift: int, as_dict: bool = False) -> None:
        self.shift, self.as_dict = shift, as_dict

    def train_batches(self, batch_size: int, seed: int) -> Any:
        generator = torch.Generator().manual_seed(seed)
        while True:
            windows = torch.randint(0, 16, (batch_size, 13), generator=generator)
            inputs = windows[:, :-1]
            targets = windows[:, 1:] if self.shift else inputs.clone()
            yield ({"input_ids": inputs} if self.as_dict else inputs), targets


@pytest.mark.parametrize("as_dict", [False, True])
def test_preflight_refuses_a_model_that_shifts_already_shifted_targets(as_dict: bool) -> None:
    torch.manual_seed(0)
    with pytest.raises(TargetMisalignment, match="double shift"):
        check_target_alignment(ShiftingLM(), TokenData(shift=1, as_dict=as_dict), None)


def test_preflight_accepts_next_token_alignment_either_way() -> None:
    torch.manual_seed(0)
    # flops-fit's loss on the logits, against shifted targets (the documented rule)
    assert check_target_alignment(ShiftingLM(), TokenData(shift=1), next_token_cross_entropy)["checked"]
    # the model's own shifting loss, against unshifted labels (the Hugging Face way)
    found = check_target_alignment(ShiftingLM(), TokenData(shift=0), None)
    assert found == {"checked": True, "data_offset": 0, "loss_offset": 1}


def test_preflight_refuses_targets_equal_to_the_inputs_under_an_unshifted_loss() -> None:
    torch.manual_seed(0)
    with pytest.raises(TargetMisalignment, match="copy its input"):
        check_target_alignment(CacheModel(), TokenData(shift=0), next_token_cross_entropy)


def test_data_offset_ignores_masked_labels_and_refuses_to_guess() -> None:
    ids = torch.tensor([[1, 2, 3, 4]])
    assert data_offset(ids, torch.tensor([[2, 3, 4, -100]])) == 1
    assert data_offset(ids, torch.tensor([[-100, 2, 3, 4]])) == 0
    assert data_offset(ids, torch.tensor([[9, 9, 9, 9]])) is None
    assert data_offset(torch.tensor([[5, 5, 5]]), torch.tensor([[5, 5, 5]])) is None  # constant: both alignments fit


def timm_like(embed_dim: int, img_size: int = 224, in_chans: int = 3, num_classes: int = 1000, patch_size: int = 16) -> nn.Module:
    return nn.Linear(in_chans * img_size, num_classes)


def test_data_hints_reach_the_model_under_its_own_argument_names() -> None:
    hints = {"image_size": 8, "channels": 1, "num_classes": 10, "seq_len": 128}
    kwargs, where = map_hints(timm_like, hints)
    assert kwargs == {"img_size": 8, "in_chans": 1, "num_classes": 10}
    assert where == {"image_size": "img_size", "channels": "in_chans", "num_classes": "num_classes", "seq_len": None}


class Hinted:
    tokens_per_sample = 1

    def model_hints(self) -> dict[str, int]:
        return {"image_size": 8, "channels": 1, "num_classes": 10}


def test_build_model_fills_mapped_hints_and_the_config_overrides_them() -> None:
    spec = {"target": "test_model_conventions:timm_like", "size_param": "embed_dim", "options": {"num_classes": 3}}
    model = build_model(spec, 16, Hinted())
    assert isinstance(model, nn.Linear) and model.in_features == 8 and model.out_features == 3


# ------------------------------------------------------------------ the real libraries (optional extra)

def _have(module: str) -> bool:
    ensure_torchvision_importable()  # a CUDA torchvision beside CPU torch would break both imports
    try:
        __import__(module)
    except ImportError:
        return False
    return True


needs_transformers = pytest.mark.skipif(not _have("transformers"), reason="transformers not installed (extra: models)")
needs_timm = pytest.mark.skipif(not _have("timm"), reason="timm not installed (extra: models)")
CONFIGS = str(Path(__file__).resolve().parents[2] / "configs")


def hf_task(corpus: Path, factory: str, size_param: str, size: int, options: dict[str, Any], loss: str | None) -> dict[str, Any]:
    return make_task(corpus, model={"target": f"hf_models:{factory}", "size_param": size_param, "options": options},
                     size_value=size, loss={"target": loss} if loss else None, sys_path=[CONFIGS], n_tokens=1024)


@needs_transformers
@pytest.mark.parametrize("factory, size_param, size, options", [
    ("gpt2", "n_embd", 16, {"n_layer": 1, "n_head": 2}),
    ("llama", "hidden_size", 16, {"num_hidden_layers": 1, "num_attention_heads": 2}),
])
def test_hugging_face_causal_lms_train_unchanged_with_the_next_token_rule(corpus_file: Path, factory: str,
                                                                          size_param: str, size: int,
                                                                          options: dict[str, Any]) -> None:
    task = hf_task(corpus_file, factory, size_param, size, options, "flops_fit_worker.losses:next_token_cross_entropy")
    result = train(task, Recorder(task).ctx)
    assert result["status"] == "completed", result["error"]
    assert result["loss"] < 6 and result["flops_measured"] > 0
    assert result["epochs"] == pytest.approx(result["n_tokens"] / _train_bytes(corpus_file))


def _train_bytes(corpus: Path) -> int:
    size = corpus.stat().st_size
    return size - int(size * 0.1)


@needs_transformers
def test_hugging_face_gpt2_own_loss_on_shifted_targets_is_refused_as_a_double_shift(corpus_file: Path) -> None:
    from flops_fit_worker.models import build_data

    task = hf_task(corpus_file, "gpt2", "n_embd", 16, {"n_layer": 1, "n_head": 2}, None)
    from flops_fit_worker.targets import extend_sys_path

    extend_sys_path(task["sys_path"])
    data = build_data(task["data"], seed=0)
    model = build_model(task["model"], 16, data)
    with pytest.raises(TargetMisalignment, match="double shift"):
        check_target_alignment(model, data, None)


@needs_timm
def test_timm_vision_transformer_trains_unchanged_with_hints_mapped(corpus_file: Path) -> None:
    task = make_task(corpus_file, model={"target": "timm.models.vision_transformer:VisionTransformer",
                                         "size_param": "embed_dim", "options": {"depth": 1, "num_heads": 2}},
                     size_value=16, data={"target": "plugins.vit.data:DeformedDigits", "options": {}},
                     loss={"target": "flops_fit_worker.losses:cross_entropy"}, n_tokens=256,
                     training={"eval_tokens": 64})
    result = train(task, Recorder(task).ctx)
    assert result["status"] == "completed", result["error"]
    assert result["epochs"] == pytest.approx(result["n_tokens"] / 1438)
