"""The simulator's county gives each service a port of its own, and never mistakes another service for it."""

import http.server
import json
import socket
import threading
from pathlib import Path

import pytest
from continuum_sim import stack
from continuum_sim.stack import ServiceProcess, free_port, outgoing_ports


def test_ports_handed_out_are_distinct_bindable_and_never_an_outgoing_connections():
    ports = [free_port() for _ in range(300)]
    assert len(set(ports)) == len(ports)
    outgoing = outgoing_ports()
    assert not [port for port in ports if port in outgoing]
    for port in ports[:20]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_a_port_something_listens_on_is_not_handed_out(monkeypatch):
    """Of three listener ports, one taken by another process: the other two are handed out, then none is left."""
    ports = range(28990, 28993)
    monkeypatch.setattr(stack, "_LISTENER_PORTS", ports)
    monkeypatch.setattr(stack, "_handed_out", set())
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", ports[1]))
        listening.listen()
        assert {free_port(), free_port()} == {ports[0], ports[2]}
        with pytest.raises(RuntimeError, match="no free port left"):
            free_port()


class _Dispatch(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        body = json.dumps({"service": "dispatch", "status": "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_service_whose_port_another_service_answers_on_is_not_taken_for_healthy(tmp_path: Path):
    """Intake waited for on a port where dispatch answers: an error naming both, not intake 'healthy'."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Dispatch)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        intake = ServiceProcess("intake", server.server_address[1], {}, tmp_path / "intake.log")
        with pytest.raises(RuntimeError, match="answers as 'dispatch', not intake"):
            intake.wait_healthy(timeout=10)
    finally:
        server.shutdown()
        server.server_close()
