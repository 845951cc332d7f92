"""The plumbing the local stand-in servers share (OpenAI-compatible, Ollama, Slack Web API): a threaded HTTP
server bound on port 0 (it reports the port the kernel gave it) and a quiet handler base with a JSON reply; and
for servers we start as processes that cannot bind port 0 (`chroma run`, streamlit), a start that retries on
another port when the chosen one was taken."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator


class QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def send_json(self, payload: object) -> None:
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class LocalServer:
    """Serves `handler` on 127.0.0.1 in a daemon thread; `base_url` is http://127.0.0.1:PORT."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # shutdown() returns once the serving loop next looks, which it does every poll_interval (0.5 s by default:
        # half a second of nothing per stand-in server closed)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def candidate_port() -> int:
    """A port that was free a moment ago. Only for servers that cannot bind port 0 themselves (`chroma run`,
    streamlit): another process may take it first, so `serve_on_free_port` retries on a failed start."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port that nothing listens on, held bound (never listening) so no other process can take it
    while the test uses it: connections to it are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
    except urllib.error.HTTPError:
        return True  # it answered, with any status
    except OSError:
        return False
    return True


@dataclass
class ServedProcess:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def serve_on_free_port(command: Callable[[int], list[str]], log: Path, ready_path: str = "/",
                       env: dict[str, str] | None = None, timeout: float = 120, attempts: int = 5) -> ServedProcess:
    """Starts `command(port)` on a free loopback port and waits until http://127.0.0.1:PORT{ready_path} answers.
    A process that exits before answering (its port was taken in between) is started again on another port."""
    for _ in range(attempts):
        port = candidate_port()
        with log.open("ab") as out:
            process = subprocess.Popen(command(port), stdout=out, stderr=subprocess.STDOUT, env=env)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            if _answers(url + ready_path):
                return ServedProcess(process, url, log)
            time.sleep(0.2)  # polling for readiness, not waiting for something not to happen
        if process.poll() is None:  # still running but never answered: a real failure, not a port race
            process.kill()
            process.wait()
            break
    raise RuntimeError(f"{command(0)[0]} did not start; its log ends: {log.read_text(errors='replace')[-800:]}")


def start_chroma(folder: Path) -> ServedProcess:
    """A real `chroma run` server keeping its data and log under `folder`, on a free loopback port."""
    import sys

    chroma = str(Path(sys.executable).parent / "chroma")
    return serve_on_free_port(
        lambda port: [chroma, "run", "--path", str(folder / "db"), "--host", "127.0.0.1", "--port", str(port)],
        folder / "chroma.log", ready_path="/api/v2/heartbeat")
