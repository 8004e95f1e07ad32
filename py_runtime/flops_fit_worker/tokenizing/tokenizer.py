"""The tokenizer `flops-fit tokenize --tokenizer T` names, with the `tokenizers` library (offline).

T is
- `bpe:V`: a byte-level BPE of V tokens (GPT-2's pre-tokenizer and byte alphabet, plus the
  end-of-document token `<|endoftext|>`) trained on the inputs themselves;
- a `tokenizer.json` file;
- a local Hugging Face tokenizer folder: its `tokenizer.json`, else whatever `transformers`'
  `AutoTokenizer` loads from the folder (vocab.json + merges.txt, ...), never downloaded.

`request_identity` names the request before anything is trained (what the idempotence check
compares); `tokenizer_hash` names the tokenizer itself (its canonical JSON), which the manifest
records.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from .inputs import BadInput

EOT = "<|endoftext|>"
# End-of-document tokens of common tokenizers, tried in order when a loaded one names none.
EOT_NAMES = (EOT, "<|end_of_text|>", "</s>", "<eos>", "<|eos|>", "<|im_end|>")
# Byte-level BPE needs its 256 byte tokens and the end-of-document token.
MIN_BPE_VOCAB = 257
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt",
                   "tokenizer.model", "vocab.txt")
BPE = re.compile(r"^bpe:(\d+)$")


def bpe_size(spec: str) -> int | None:
    """V of `bpe:V`, None for a path."""
    match = BPE.match(spec)
    if spec.startswith("bpe:") and not match:
        raise BadInput(f"--tokenizer {spec}: expected bpe:V with V a whole number of tokens, e.g. bpe:4096")
    return int(match.group(1)) if match else None


def _file_digest(files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for file in files:
        digest.update(f"{file.name}\n".encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def request_identity(spec: str) -> dict[str, Any]:
    """What was asked for, before any training: `bpe:V` with the library's version (another
    version may train another tokenizer), or the content hash of the tokenizer's files."""
    import tokenizers

    size = bpe_size(spec)
    if size is not None:
        return {"kind": "bpe", "vocab_size": size, "tokenizers": tokenizers.__version__}
    path = Path(spec).expanduser()
    if not path.exists():
        raise BadInput(f"--tokenizer {spec}: no such file or folder (give a tokenizer.json, a tokenizer folder or bpe:V)")
    files = sorted(path / name for name in TOKENIZER_FILES if (path / name).is_file()) if path.is_dir() else [path]
    if not files:
        raise BadInput(f"--tokenizer {spec}: a folder without tokenizer files ({', '.join(TOKENIZER_FILES)})")
    return {"kind": "folder" if path.is_dir() else "file", "sha256": _file_digest(files)}


def train_bpe(vocab_size: int, texts: Iterable[str]) -> Tokenizer:
    """A byte-level BPE of at most `vocab_size` tokens trained on `texts` (fewer when the text
    has fewer pairs to merge)."""
    if vocab_size < MIN_BPE_VOCAB:
        raise BadInput(f"--tokenizer bpe:{vocab_size}: a byte-level BPE needs at least {MIN_BPE_VOCAB} tokens "
                       f"(256 bytes and the end-of-document token)")
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[EOT], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return tokenizer


def load_tokenizer(spec: str) -> tuple[Tokenizer, str | None]:
    """The tokenizer a path names and the end-of-document token its config declares (None when
    it declares none); BadInput when it does not load."""
    path = Path(spec).expanduser()
    file = path / "tokenizer.json" if path.is_dir() else path
    declared = _declared_eos(path) if path.is_dir() else None
    if file.is_file():
        try:
            return Tokenizer.from_file(str(file)), declared
        except Exception as exc:  # the library raises plain Exceptions for a bad file
            raise BadInput(f"--tokenizer {spec}: {file} does not load as a tokenizer ({_first_line(exc)})") from None
    try:
        from transformers import AutoTokenizer

        loaded = AutoTokenizer.from_pretrained(str(path), local_files_only=True, use_fast=True)
        backend = getattr(loaded, "backend_tokenizer", None)
        if backend is None:
            raise ValueError("no fast (tokenizers) version of it")
        return backend, declared or getattr(loaded, "eos_token", None)
    except Exception as exc:
        raise BadInput(f"--tokenizer {spec}: the folder does not load as a tokenizer ({_first_line(exc)})") from None


def _declared_eos(folder: Path) -> str | None:
    config = folder / "tokenizer_config.json"
    try:
        eos = json.loads(config.read_text()).get("eos_token") if config.is_file() else None
    except ValueError:
        return None
    return eos.get("content") if isinstance(eos, dict) else eos


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def end_of_document(tokenizer: Tokenizer, spec: str, declared: str | None, chosen: str | None) -> tuple[str, int]:
    """The end-of-document token and its id: `--eot` if given, else the one the tokenizer's config
    declares, else the first of EOT_NAMES in its vocabulary."""
    for name in [chosen] if chosen else [declared, *EOT_NAMES]:
        if name is not None and (token_id := tokenizer.token_to_id(name)) is not None:
            return name, token_id
    if chosen:
        raise BadInput(f"--eot {chosen}: not a token of {spec}")
    raise BadInput(f"--tokenizer {spec}: no end-of-document token found (looked for {', '.join(EOT_NAMES)}); "
                   f"name one with --eot TOKEN")


def tokenizer_hash(tokenizer: Tokenizer) -> str:
    """sha256 of the tokenizer's canonical JSON: the same tokenizer, however it was obtained."""
    canonical = json.dumps(json.loads(tokenizer.to_str()), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
