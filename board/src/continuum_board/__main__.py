"""``continuum-board`` / ``python -m continuum_board``: run the operations board (HTTP and Kafka in one process)."""

from continuum_kit.service import serve

from continuum_board.app import create_app
from continuum_board.config import BoardSettings


def main() -> None:
    settings = BoardSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
