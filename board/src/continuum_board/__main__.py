"""``continuum-board`` / ``python -m continuum_board``: run the operations board (HTTP and Kafka in one process)."""

import threading
from types import FrameType

import uvicorn
from continuum_kit.service import serve
from continuum_kit.settings import load_settings

from continuum_board.app import create_app
from continuum_board.config import BoardSettings


class BoardServer(uvicorn.Server):
    """Uvicorn waits for open responses before it stops; the live streams never end by themselves, so they
    are told to end (browsers reconnect, to this board once it is back or to another instance)."""

    def __init__(self, config: uvicorn.Config, closing: threading.Event) -> None:
        super().__init__(config)
        self.closing = closing

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.closing.set()
        super().handle_exit(sig, frame)


def main() -> None:
    settings = load_settings(BoardSettings)
    app = create_app(settings)
    closing = app.state.runtime.closing
    serve(app, settings, lambda config: BoardServer(config, closing), timeout_graceful_shutdown=5)


if __name__ == "__main__":
    main()
