"""``continuum-dispatch``: run the dispatch service (HTTP and Kafka in one process)."""

from continuum_kit.service import serve
from continuum_kit.settings import load_settings

from continuum_dispatch.app import create_app
from continuum_dispatch.config import DispatchSettings


def main() -> None:
    settings = load_settings(DispatchSettings)
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
