"""``continuum-followup``: run the followup service (HTTP and Kafka in one process)."""

from continuum_kit.service import serve
from continuum_kit.settings import load_settings

from continuum_followup.app import create_app
from continuum_followup.config import FollowupSettings


def main() -> None:
    settings = load_settings(FollowupSettings)
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
