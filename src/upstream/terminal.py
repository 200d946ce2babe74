"""The command line's output: rich consoles that behave when output is not a terminal, and
help that names what to give (MONTH, FILE, METRES) instead of Python types.

* On a terminal, rich fits tables and text to its width. Piped into a file or another
  program, rich would assume 80 columns, wrap long lines and cut method names short with
  "…"; :func:`console` gives such output all the width it needs instead.
* Typer shows each option's Python type (``<int>``, ``<list[Path]>``, ``<bool>``) unless
  given a ``metavar``. :class:`WordsGroup`, the root command's class, gives every option
  that has none a word for its kind of value (``N``, ``TEXT``, ``PATH``), every argument
  its name (``PERSON_ID``), and flags and ``--help`` none at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.core
from rich.console import Console

__all__ = ["WIDE", "WordsGroup", "console", "plain_metavars"]

WIDE = 10_000
"""Columns given to output that is not a terminal: more than any line needs."""


def console(*, stderr: bool = False) -> Console:
    """A console for command output (``stderr`` for messages and progress): soft-wrapped,
    and as wide as its content when it is not a terminal."""
    out = Console(stderr=stderr, soft_wrap=True)
    if not out.is_terminal:
        out = Console(stderr=stderr, soft_wrap=True, width=WIDE)
    return out


_WORDS: dict[object, str] = {int: "N", float: "NUMBER", str: "TEXT", Path: "PATH"}


def _word(annotation: object) -> str:
    args = getattr(annotation, "__args__", ())
    if args:  # list[Path], Path | None
        return next((_WORDS[a] for a in args if a in _WORDS), "VALUE")
    return _WORDS.get(annotation, "VALUE")


class _NamedArgument(typer.core.TyperArgument):
    """An argument whose name (its metavar) says what to give, so no type is shown."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def plain_metavars(command: Any) -> None:
    """Give every parameter of ``command`` and its subcommands a word instead of a type.

    Parameters that name their own ``metavar`` keep it; flags and ``--help`` show none.
    """
    for param in command.params:
        annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
        if isinstance(param, typer.core.TyperArgument):
            if param.metavar is None:
                param.metavar = (param.name or _word(annotation)).upper()
            param.__class__ = _NamedArgument
        elif isinstance(param, typer.core.TyperOption) and param.metavar is None:
            param.metavar = "" if param.is_flag else _word(annotation)
    help_option = command.get_help_option(typer.core._click.Context(command))
    if help_option is not None:
        help_option.metavar = ""
    for sub in getattr(command, "commands", {}).values():
        plain_metavars(sub)


class WordsGroup(typer.core.TyperGroup):
    """The root command: its whole tree's help names words, never Python types."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_metavars(self)
