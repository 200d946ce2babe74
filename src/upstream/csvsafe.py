"""CSV cells that a spreadsheet will not run as formulas (OWASP "CSV injection").

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``, ``@SUM(...)``), so any
export holding text that came from a user or an input file must neutralise it. The rule here
is the one OWASP recommends: prefix such a cell with a single quote, which spreadsheets show
as text. Numbers are left alone (``-0.5`` stays a number), so numeric columns keep their
values; only text that merely looks like a formula is changed.

Every CSV export that can hold text from outside (audit log, quarantine files, lists of
places) writes its text cells through :func:`safe_cell`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["FORMULA_PREFIXES", "safe_cell", "safe_row"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat a cell as a formula."""

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def safe_cell(value: object) -> object:
    """``value`` unchanged unless it is text a spreadsheet would run as a formula.

    Parameters
    ----------
    value
        A cell value. Non-strings (numbers, None) are returned as they are.

    Returns
    -------
    object
        The value, or the text prefixed with ``'`` when it starts with one of
        :data:`FORMULA_PREFIXES` and is not a plain number.

    Examples
    --------
    >>> safe_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> safe_cell("-0.25")
    '-0.25'
    >>> safe_cell("On or near Hoe Street")
    'On or near Hoe Street'
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return value
    if _NUMBER.match(value):
        return value
    return "'" + value


def safe_row(values: Iterable[object]) -> list[object]:
    """Every cell of a row through :func:`safe_cell`."""
    return [safe_cell(v) for v in values]
