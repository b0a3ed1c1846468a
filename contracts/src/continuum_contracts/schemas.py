"""JSON Schema snapshots of every payload model, and the rule for a compatible change.

``python -m continuum_contracts.schemas --write`` refreshes the committed snapshots after a
compatible change; the contract test refuses an incompatible one (a removed or retyped field,
a new required field, an enum that lost a value): that needs a new major version instead.
"""

import argparse
import json
from pathlib import Path
from typing import Any

from continuum_contracts.catalogue import CATALOGUE

SNAPSHOT_DIR = Path(__file__).resolve().parents[2] / "schemas"
_IGNORED = {"title", "description", "default", "examples"}


def current_schemas() -> dict[str, dict[str, Any]]:
    return {event_type: model.model_json_schema() for event_type, model in CATALOGUE.items()}


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k not in _IGNORED and k != "$defs"}
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    return node


def _compare(old: Any, new: Any, path: str, problems: list[str]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        if "enum" in old and "enum" in new:
            lost = [v for v in old["enum"] if v not in new["enum"]]
            if lost:
                problems.append(f"{path}: enum lost value(s) {lost}")
            old = {k: v for k, v in old.items() if k != "enum"}
            new = {k: v for k, v in new.items() if k != "enum"}
        if "properties" in old:
            new_props = new.get("properties", {})
            for name, schema in old["properties"].items():
                if name not in new_props:
                    problems.append(f"{path}.{name}: field removed")
                else:
                    _compare(schema, new_props[name], f"{path}.{name}", problems)
            added_required = set(new.get("required", [])) - set(old.get("required", []))
            for name in sorted(added_required):
                problems.append(f"{path}.{name}: new required field")
            old = {k: v for k, v in old.items() if k not in ("properties", "required")}
            new = {k: v for k, v in new.items() if k not in ("properties", "required")}
        for key in set(old) | set(new):
            if key not in old or key not in new:
                problems.append(f"{path}: '{key}' {'added' if key in new else 'removed'}")
            else:
                _compare(old[key], new[key], f"{path}/{key}", problems)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            _compare(a, b, f"{path}[{i}]", problems)
    elif old != new:
        problems.append(f"{path}: changed from {old!r} to {new!r}")


def incompatibilities(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What in ``new`` would break a producer or consumer written against ``old``."""
    problems: list[str] = []
    _compare(_inline(old, old.get("$defs", {})), _inline(new, new.get("$defs", {})), "", problems)
    return problems


def read_snapshots(directory: Path = SNAPSHOT_DIR) -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text()) for path in sorted(directory.glob("*.json"))}


def write_snapshots(directory: Path = SNAPSHOT_DIR) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for event_type, schema in current_schemas().items():
        (directory / f"{event_type}.json").write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="refresh the committed snapshots")
    args = parser.parse_args()
    if args.write:
        write_snapshots()
    for event_type in current_schemas():
        print(event_type)


if __name__ == "__main__":
    main()
