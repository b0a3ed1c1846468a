"""Each service's committed AsyncAPI document is current, and every reference in it resolves."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ["intake", "dispatch", "handoff", "followup", "board"]


def test_committed_documents_match_the_models_and_handlers():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "asyncapi.py")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


@pytest.mark.parametrize("service", SERVICES)
def test_every_reference_resolves(service):
    document = json.loads((ROOT / "contracts" / "asyncapi" / f"{service}.json").read_text())
    for ref in _refs(document):
        node = document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
    assert document["asyncapi"] == "3.0.0"
    assert any(op["action"] == "send" for op in document["operations"].values())
