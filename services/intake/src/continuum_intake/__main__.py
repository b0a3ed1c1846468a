"""``continuum-intake``: run the intake service (HTTP and Kafka in one process)."""

from continuum_kit.service import serve
from continuum_kit.settings import load_settings

from continuum_intake.app import create_app
from continuum_intake.config import IntakeSettings


def main() -> None:
    settings = load_settings(IntakeSettings)
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
