"""``continuum-handoff``: run the handoff service (HTTP and Kafka in one process)."""

from continuum_kit.service import serve
from continuum_kit.settings import load_settings

from continuum_handoff.app import create_app
from continuum_handoff.config import HandoffSettings


def main() -> None:
    settings = load_settings(HandoffSettings)
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
