"""The one error the network package raises for bad input."""

from __future__ import annotations

__all__ = ["NetworkInputError"]


class NetworkInputError(ValueError):
    """A links or people frame breaks its schema.

    The message names the line (the CSV line: a frame's row ``i`` is line ``i + 2``, after
    the header) and the field, and never quotes a value that could identify a person.
    """

    def __init__(self, message: str, *, line: int | None = None, field: str | None = None):
        where = ", ".join(p for p in (f"line {line}" if line else "", field or "") if p)
        super().__init__(f"{where}: {message}" if where else message)
        self.line = line
        self.field = field
