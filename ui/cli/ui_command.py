"""`crossbrief ui`: starts the Streamlit page (127.0.0.1 by default, usage statistics off)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

APP = Path(__file__).resolve().parents[1] / "web" / "app.py"


def streamlit_command(port: int, address: str, max_upload_mb: float) -> list[str]:
    """The command that serves the Streamlit page: `crossbrief ui` runs it, and so does `crossbrief bench --load`, so
    that the load check measures the page as it is served."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port),
        "--server.address", address,
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.maxUploadSize", str(max(1, int(max_upload_mb))),
        "--global.developmentMode", "false",
        "--client.toolbarMode", "viewer",
        # a served page never reloads its modules when files change: a reload under live sessions breaks their
        # imports mid-run (KeyError in importlib, seen under `crossbrief bench --load` while files were edited)
        "--server.fileWatcherType", "none",
        # no full garbage collection after every script run: with the model and index loaded it took about half of
        # the server's CPU per question, holding the GIL that every session's script thread needs (Python's own
        # collector still runs as memory is allocated)
        "--runner.postScriptGC", "false",
    ]


@click.command("ui")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (default 8501).")
@click.option("--address", default=None, help="Address to bind (default 127.0.0.1).")
def ui_command(port: int | None, address: str | None) -> None:
    """Start the chat UI in the browser."""
    from crossbrief.config import load_settings

    settings = load_settings()
    os.execv(sys.executable, streamlit_command(port or settings.ui.port, address or settings.ui.address,
                                               settings.ui.max_upload_mb))


COMMANDS = [ui_command]
