"""The Python side of `plugins inspect` / `plugins init` (flops_fit_worker.introspect), called
directly: what the TypeScript bridge receives for a target that imports, one that does not,
and a model counted at a size."""
from __future__ import annotations

import json
from pathlib import Path

from flops_fit_worker import introspect


def test_a_target_that_does_not_import_is_an_answer_with_its_code() -> None:
    missing = json.loads(introspect.problem("no_such_module_xyz:Model") or "{}")
    assert missing["code"] == "import_error" and "no_such_module_xyz" in missing["message"]
    malformed = json.loads(introspect.problem("not a target") or "{}")
    assert malformed["code"] == "bad_target"


def test_describe_reads_the_signature_its_defaults_and_where_the_module_lives() -> None:
    assert introspect.problem("conftest:NaNModel") is None
    described = json.loads(introspect.describe(introspect.lookup("conftest:NaNModel")))
    params = {p["name"]: p for p in described["params"]}
    assert described["kind"] == "class" and described["text"].startswith("NaNModel(")
    assert params["d_model"]["required"] is True
    assert params["vocab_size"] == {**params["vocab_size"], "default": 256, "default_type": "int", "required": False}
    assert described["module_file"].endswith("conftest.py") and described["module_root"]


def test_count_gives_the_parameters_at_a_size_and_skips_above_the_cap() -> None:
    introspect.problem("conftest:NaNModel")
    model = introspect.lookup("conftest:NaNModel")
    small = json.loads(introspect.count(model, "d_model", 8, "{}", 1e9))
    large = json.loads(introspect.count(model, "d_model", 16, "{}", 1e9))
    assert small["n_params"] == small["n_params_embedding"] + small["n_params_non_embedding"]
    assert small["n_params_embedding"] == 256 * 8 and large["n_params"] > small["n_params"]
    assert json.loads(introspect.count(model, "d_model", 16, "{}", 100)) == {"skipped": True, "n_params": large["n_params"], "hints": {}}
    assert "error" in json.loads(introspect.count(model, "d_model", 8, '{"no_such_option": 1}', 1e9))


def test_describe_of_something_without_a_signature_says_so() -> None:
    assert "error" in json.loads(introspect.describe(object()))


def test_count_builds_the_model_as_a_sweep_does_with_the_datas_hints(corpus_file: Path) -> None:
    introspect.problem("conftest:NaNModel")
    model = introspect.lookup("conftest:NaNModel")
    data = json.dumps({"data": {"target": "plugins.gpt.data:ByteCorpus", "options": {"source": "path", "path": str(corpus_file), "seq_len": 16}}, "loss": None})
    built = json.loads(introspect.count(model, "d_model", 8, "{}", 1e9, data))
    assert built["hints"]["vocab_size"] == {"value": 256, "argument": "vocab_size"}
    overridden = json.loads(introspect.count(model, "d_model", 8, '{"vocab_size": 10}', 1e9, data))
    assert overridden["n_params_embedding"] == 10 * 8  # the config's options win over the hints, as in build_model
    missing = json.dumps({"data": {"target": "plugins.gpt.data:ByteCorpus", "options": {"source": "path", "path": "/no/such/dir"}}, "loss": None})
    assert "could not be loaded" in json.loads(introspect.count(model, "d_model", 8, "{}", 1e9, missing))["data_error"]
