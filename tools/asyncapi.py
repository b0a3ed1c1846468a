"""Writes or checks each service's AsyncAPI document in contracts/asyncapi/ (``--write`` to refresh)."""

import argparse
import json
import sys
from pathlib import Path

from continuum_board.config import BoardSettings
from continuum_board.projection import Projection
from continuum_board.supervision import PUBLISHES as BOARD_SENDS
from continuum_contracts.asyncapi import document
from continuum_dispatch.config import DispatchSettings
from continuum_dispatch.handlers import PUBLISHES as DISPATCH_SENDS
from continuum_dispatch.handlers import build_handlers as dispatch_handlers
from continuum_followup.config import FollowupSettings
from continuum_followup.handlers import PUBLISHES as FOLLOWUP_SENDS
from continuum_followup.handlers import build_handlers as followup_handlers
from continuum_handoff.config import HandoffSettings
from continuum_handoff.handlers import PUBLISHES as HANDOFF_SENDS
from continuum_handoff.handlers import build_handlers as handoff_handlers
from continuum_intake.config import IntakeSettings
from continuum_intake.handlers import PUBLISHES as INTAKE_SENDS
from continuum_intake.handlers import build_handlers as intake_handlers
from continuum_intake.parts import build_parts
from continuum_kit.consumer import handled_types

DIRECTORY = Path(__file__).resolve().parents[1] / "contracts" / "asyncapi"


def documents() -> dict[str, dict]:
    # Only the handler maps are read: the development defaults (no admin token, the public vault keys) do.
    dev = {"environment": "development"}
    receives = {
        "intake": intake_handlers(build_parts(IntakeSettings(**dev))),
        "dispatch": dispatch_handlers(DispatchSettings(**dev)),
        "handoff": handoff_handlers(HandoffSettings(**dev)),
        "followup": followup_handlers(FollowupSettings(**dev)),
        "board": Projection(BoardSettings(**dev)).handlers(),
    }
    sends = {
        "intake": INTAKE_SENDS,
        "dispatch": DISPATCH_SENDS,
        "handoff": HANDOFF_SENDS,
        "followup": FOLLOWUP_SENDS,
        "board": BOARD_SENDS,
    }
    return {service: document(service, handled_types(receives[service]), sends[service]) for service in receives}


def render(doc: dict) -> str:
    return json.dumps(doc, indent=2) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    stale = []
    for service, doc in documents().items():
        path = DIRECTORY / f"{service}.json"
        if args.write:
            DIRECTORY.mkdir(parents=True, exist_ok=True)
            path.write_text(render(doc))
        elif not path.exists() or path.read_text() != render(doc):
            stale.append(str(path))
    if stale:
        print("out of date (run tools/asyncapi.py --write):", *stale, sep="\n  ")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
