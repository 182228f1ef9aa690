"""Serve the application with gunicorn, a production WSGI server."""

from __future__ import annotations

import ipaddress
import socket
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


def _outward_address() -> str | None:
    """This machine's address on the network it reaches others through, or None.

    Connecting a UDP socket sends nothing; it only asks the system which interface it would use.
    (The host name's address is often 127.0.1.1 on Debian and Ubuntu, which no phone can reach.)
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed, never answered
            address = str(probe.getsockname()[0])
    except OSError:
        return None
    # Compared, not bound: the wildcard address is no address a phone can use.
    return None if ipaddress.ip_address(address).is_loopback or address == "0.0.0.0" else address  # nosec B104


def served_address(host: str, port: int) -> tuple[str | None, str | None]:
    """The address the server answers on, and a note when phones cannot reach it.

    Listening on every interface (``0.0.0.0``), it is this machine's network address, if one can
    be found; on a loopback address it is that address, which only this machine reaches.
    """
    if host in ("0.0.0.0", "::", ""):  # nosec B104 - compared, not bound
        found = _outward_address()
        if found is None:
            return None, "set SURVEYAPP_BASE_URL to the address phones use to reach this server"
        return f"http://{found}:{port}", None
    shown = f"[{host}]" if ":" in host else host
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    note = "only this computer reaches it: use --host 0.0.0.0 for phones on the network" if loopback else None
    return f"http://{shown}:{port}", note
