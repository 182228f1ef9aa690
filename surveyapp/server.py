"""Serve the application with gunicorn, a production WSGI server."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.http import wsgi as gunicorn_wsgi


class _Gunicorn(BaseApplication):
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def hide_server_banner() -> None:
    """Make gunicorn send no ``Server`` header: its name and version only help an attacker."""
    default_headers = gunicorn_wsgi.Response.default_headers
    if getattr(default_headers, "banner_hidden", False):
        return

    def without_server(self: Any) -> list[str]:
        return [line for line in default_headers(self) if not line.startswith("Server:")]

    without_server.banner_hidden = True  # type: ignore[attr-defined]
    gunicorn_wsgi.Response.default_headers = without_server


def run(app: Flask, host: str, port: int, workers: int) -> None:
    """Serve until interrupted. Threads keep slow phones from holding a whole worker."""
    hide_server_banner()
    _Gunicorn(
        app,
        {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": 4,
            "timeout": 60,
            "accesslog": "-",
        },
    ).run()
