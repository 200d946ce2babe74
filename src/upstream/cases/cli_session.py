"""The case store from the command line: the migrated store, and a named user signed in
with their password for a stated purpose.

Every command that acts on the case store as a person (``upstream cases``, ``actions``,
``retail``, ``network build``) signs them in here, so the password prompt, the
``--password-stdin`` reading and the one-line refusal are the same everywhere.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from upstream.cases.access import Actor
from upstream.cases.auth import LoginFailed, authenticate
from upstream.cases.db import CaseStore, case_store
from upstream.cases.vocab import Purpose
from upstream.cli_inputs import fail
from upstream.config import get_settings

__all__ = ["AsUser", "PasswordStdin", "PurposeOpt", "migrated_store", "sign_in"]

AsUser = Annotated[
    str | None,
    typer.Option("--as", help="Act as this partnership user (default: the server's operator)."),
]
PurposeOpt = Annotated[
    Purpose,
    typer.Option(help="With --as: the purpose of the session (one the user's role may state)."),
]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="With --as: read the password from the first line of stdin."
    ),
]
"""The options of a command a named user may run instead of the server's operator."""


def migrated_store() -> CaseStore:
    """The case store of the current settings, its schema brought up to date."""
    store = case_store(get_settings())
    store.migrate()
    return store


def sign_in(store: CaseStore, username: str, purpose: str, from_stdin: bool) -> Actor:
    """The actor of ``username`` once they have given their password (the first line of
    stdin with ``from_stdin``, else a hidden prompt) for ``purpose``; a refused sign-in is a
    one-line error and exit 1."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(f"Password for {username}", hide_input=True)
    try:
        return authenticate(store, username, password, purpose)
    except LoginFailed as exc:
        raise fail(str(exc)) from exc
