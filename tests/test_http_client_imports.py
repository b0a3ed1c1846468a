"""The partners' HTTP client (httpx on httpcore) looks up its async library on every request by importing sniffio:
installed, that is a dictionary lookup; missing, a search of the whole import path per request, which was a fifth
of the bench's own CPU. The simulator and handoff (which calls intake) both declare it."""

import importlib.metadata


def test_sniffio_is_installed_for_the_http_clients():
    for package in ("continuum-sim", "continuum-handoff"):
        requires = importlib.metadata.requires(package) or []
        assert any(r.startswith("sniffio") for r in requires), f"{package} does not declare sniffio"
