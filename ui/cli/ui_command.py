"""`crossbrief ui`: starts the Streamlit page (127.0.0.1 by default, usage statistics off)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

APP = Path(__file__).resolve().parents[1] / "web" / "app.py"


@click.command("ui")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (default 8501).")
@click.option("--address", default=None, help="Address to bind (default 127.0.0.1).")
def ui_command(port: int | None, address: str | None) -> None:
    """Start the chat UI in the browser."""
    from crossbrief.config import load_settings

    settings = load_settings()
    args = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port or settings.ui.port),
        "--server.address", address or settings.ui.address,
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.maxUploadSize", str(max(1, int(settings.ui.max_upload_mb))),
        "--global.developmentMode", "false",
        "--client.toolbarMode", "viewer",
        # a served page never reloads its modules when files change: a reload under live sessions breaks their
        # imports mid-run (KeyError in importlib, seen under `crossbrief bench --load` while files were edited)
        "--server.fileWatcherType", "none",
    ]
    os.execv(sys.executable, args)


COMMANDS = [ui_command]
