"""The wire protocol, as seen from the worker.

The schemas are defined once, in TypeScript (src/protocol/messages.ts), and exported to
protocol.schema.json beside this file. Every message the worker receives is validated
against it before it is acted on; messages it sends are checked in the tests.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import jsonschema

SCHEMA_PATH = Path(__file__).with_name("protocol.schema.json")


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


def protocol_version() -> int:
    return int(_schema()["protocol_version"])


@lru_cache(maxsize=2)
def _validator(direction: str) -> jsonschema.protocols.Validator:
    root = _schema()
    # Validate against $defs/<direction> while keeping $defs resolvable from the root.
    schema = {"$schema": root["$schema"], "$defs": root["$defs"], "$ref": f"#/$defs/{direction}"}
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


class ProtocolError(ValueError):
    """A message that does not match the protocol schema."""


def _check(direction: str, message: Any) -> dict[str, Any]:
    errors = sorted(_validator(direction).iter_errors(message), key=lambda e: len(list(e.absolute_path)))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        path = "/".join(str(p) for p in best.absolute_path) or "(message)"
        raise ProtocolError(f"{direction} message invalid at {path}: {best.message}")
    assert isinstance(message, dict)
    return message


def parse_incoming(frame: bytes) -> dict[str, Any]:
    """Decode and validate a frame sent by the orchestrator."""
    try:
        message = json.loads(frame)
    except ValueError as exc:
        raise ProtocolError(f"frame is not JSON: {exc}") from exc
    return _check("ToWorker", message)


def check_outgoing(message: Mapping[str, Any]) -> Mapping[str, Any]:
    """Validate a message the worker is about to send (used in tests and debug mode)."""
    return _check("FromWorker", message)


def encode(message: Mapping[str, Any]) -> bytes:
    return json.dumps(message, allow_nan=False, separators=(",", ":")).encode()
