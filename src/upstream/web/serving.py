"""Serving the web app: a busy port refused in one line, and one log line per request.

* :func:`port_problem` tries to bind the address ``upstream serve`` is about to listen on,
  so a port another program holds is reported before anything says "serving".
* The request log itself is :class:`upstream.web.middleware.RequestLog`.
* :func:`log_config` is the logging set-up ``upstream serve`` hands to uvicorn (every worker
  process applies it): uvicorn's own messages at warning level, and the request log to
  standard error.
"""

from __future__ import annotations

import errno
import socket
from typing import Any

__all__ = ["log_config", "port_problem"]


def port_problem(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on now, in one line; None when it can.

    Binds a socket the way uvicorn does (``SO_REUSEADDR``, so a port left in TIME_WAIT by
    a server that just stopped is free) and closes it again.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return f"cannot listen on {host}: no such host or address; give another with --host"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} is in use; choose another with --port (make run PORT=...)"
            if exc.errno == errno.EACCES:
                return f"port {port} needs special rights; choose one above 1023 with --port"
            if exc.errno == errno.EADDRNOTAVAIL:
                return f"{host} is not an address of this machine; give another with --host"
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def log_config(*, requests: bool) -> dict[str, Any]:
    """Logging for ``upstream serve``: uvicorn at warning level (no access log: it would
    name clients and query strings), and ``upstream.web`` to standard error, at info level
    when the request log is on."""
    stderr = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(message)s"},
        },
        "handlers": {"stderr": {**stderr, "formatter": "plain"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "upstream.web": {
                "handlers": ["stderr"],
                "level": "INFO" if requests else "WARNING",
                "propagate": False,
            },
        },
    }
