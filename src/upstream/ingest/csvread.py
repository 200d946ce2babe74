"""CSV bytes in whole-record chunks, with the whole-file checks done in the same pass.

The reader pulls fixed-size blocks from the input stream itself (no reader threads ever
touch a Python stream), cuts them at the last record boundary, and hands each chunk to the
parser as an in-memory buffer. That keeps memory bounded whatever the file size, and lets
three checks run cheaply on every byte while it is in hand:

* a NUL byte anywhere means binary content, not text;
* a physical line longer than :data:`MAX_LINE_BYTES` is refused naming it;
* a quoted field running on for more than :data:`MAX_LINE_BYTES` (a quote left open) too.

Line numbers are physical lines as an editor counts them (``\\n``, ``\\r\\n`` or a lone
``\\r`` ends a line), so a row after a quoted multi-line field or a blank line still gets
its own line number (:func:`record_lines`).
"""

from __future__ import annotations

import csv
import io
import queue
import threading
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.csv as pv

from upstream.ingest.errors import IngestError, Rejection, machine_error
from upstream.ingest.files import InputFile

__all__ = [
    "BLOCK_SIZE",
    "MAX_LINE_BYTES",
    "Chunk",
    "Parsed",
    "chunks",
    "csv_header",
    "line_breaks",
    "prefetch",
    "read_csv",
    "record_lines",
]

T = TypeVar("T")

BLOCK_SIZE = 4 << 20
"""Bytes read from the input at a time."""
MAX_LINE_BYTES = 16 << 20
"""Longest physical line (and longest quoted field) accepted."""
PARSE_BLOCK = 1 << 20
"""Bytes the parser takes at a time (small blocks parse fastest; a longer record is retried
as one block)."""

READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error)
"""What reading a file or a zip member can raise: a truncated or corrupt input."""


@dataclass(frozen=True)
class Chunk:
    """Whole CSV records and the physical line number of their first byte."""

    data: bytes
    first_line: int
    end_offset: int  # bytes of the input consumed up to the end of this chunk
    breaks: int = -1  # line breaks in data, when already counted

    def line_breaks(self) -> int:
        """Physical line breaks in the chunk (counted once)."""
        return self.breaks if self.breaks >= 0 else line_breaks(self.data)


def _count(data: bytes, byte: int) -> int:
    """Occurrences of one byte (vectorised: several times faster than ``bytes.count``, and
    it lets the other thread run)."""
    return int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == byte))


def line_breaks(data: bytes) -> int:
    """Physical line breaks in ``data``: ``\\n``, ``\\r\\n`` and lone ``\\r`` count once."""
    newlines = _count(data, 10)
    if data.find(b"\r") < 0:  # memchr: the common case costs one count
        return newlines
    return newlines + data.count(b"\r") - data.count(b"\r\n")


def _read(stream: IO[bytes], size: int, name: str) -> bytes:
    try:
        return stream.read(size)
    except READ_ERRORS as exc:
        if machine_error(exc):
            raise
        raise IngestError(name, f"cannot be read: corrupt or truncated ({exc})") from exc


def _boundary(buf: bytes) -> int:
    """Index just past the last record boundary in ``buf`` (0 if there is none).

    A line break is a record boundary when the quotes before it are balanced (RFC 4180:
    a quote inside a quoted field is doubled, so an odd count means a field is still open).
    """
    brk = b"\n" if b"\n" in buf else b"\r"
    pos = buf.rfind(brk)
    if pos < 0:
        return 0
    if buf.find(b'"') < 0:
        return pos + 1
    quotes = _count(buf, 34)
    after = buf.count(b'"', pos + 1)
    while pos >= 0:
        if (quotes - after) % 2 == 0:
            return pos + 1
        prev = buf.rfind(brk, 0, pos)
        after += buf.count(b'"', prev + 1, pos + 1)
        pos = prev
    return 0


def _binary(name: str, line: int, offset: int) -> IngestError:
    return IngestError(
        name,
        f"not a text CSV file: it contains binary data (a NUL byte at byte {offset:,})",
        line=line,
    )


def chunks(
    stream: IO[bytes],
    name: str,
    *,
    block_size: int = BLOCK_SIZE,
    max_line: int = MAX_LINE_BYTES,
) -> Iterator[Chunk]:
    """Yield the stream's bytes as chunks of whole records, checking every byte once.

    ``max_line`` must be at least ``block_size`` (a line inside one block is then never
    over the limit, so only lines that span blocks need measuring).

    Raises
    ------
    IngestError
        Binary content, an over-long line or quoted field, or a read error (a corrupt or
        truncated file or zip member), naming the file and line.
    """
    if max_line < block_size:
        raise ValueError("max_line must be at least block_size")
    pending = b""  # the start of a record not yet complete
    line = 1  # physical line of pending[0]
    consumed = 0  # input bytes before pending
    tail = 0  # bytes since the last line break, at the end of pending
    limit_mb = max_line / (1 << 20)
    while True:
        block = _read(stream, block_size, name)
        if block:
            nul = block.find(b"\x00")
            if nul >= 0:
                where = line + line_breaks(pending) + line_breaks(block[:nul])
                raise _binary(name, where, consumed + len(pending) + nul)
            first = min((i for i in (block.find(b"\n"), block.find(b"\r")) if i >= 0), default=-1)
            if tail + (len(block) if first < 0 else first) > max_line:
                where = line + line_breaks(pending)
                raise IngestError(
                    name,
                    f"line {where:,} is longer than the limit of {limit_mb:g} MB",
                    line=where,
                )
            last = max(block.rfind(b"\n"), block.rfind(b"\r"))
            tail = tail + len(block) if last < 0 else len(block) - last - 1
            buf = pending + block if pending else block
        else:
            buf = pending
        cut = len(buf) if not block else _boundary(buf)
        if cut == 0:
            if not block:
                return
            if len(buf) > max_line:
                raise IngestError(
                    name,
                    f"a quoted field starting on line {line:,} runs on for more than "
                    f'{limit_mb:g} MB; is a quote (") left open?',
                    line=line,
                )
            pending = buf
            continue
        data = buf[:cut]
        pending = buf[cut:]
        consumed += cut
        breaks = line_breaks(data)
        yield Chunk(data, line, consumed, breaks)
        line += breaks
        if not block:
            return


def _nonblank_lines(data: bytes) -> np.ndarray:
    """0-based indices of the physical lines of ``data`` that are not empty."""
    arr = np.frombuffer(data, dtype=np.uint8)
    is_n = arr == 10
    is_r = arr == 13
    crlf = np.zeros(arr.size, dtype=bool)
    crlf[:-1] = is_r[:-1] & is_n[1:]  # the \r of a \r\n: part of the break at its \n
    breaks = np.flatnonzero(is_n | (is_r & ~crlf))
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks - crlf[breaks - 1].astype(np.int64), [arr.size]))
    ends[:-1][breaks == 0] = 0
    return np.flatnonzero(ends > starts)


def _record_starts_by_parser(data: bytes) -> np.ndarray | None:
    """0-based start lines of the non-empty records, by Python's csv module (slow, exact)."""
    text = data.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    starts: list[int] = []
    previous = 0
    try:
        for row in reader:
            if row:
                starts.append(previous)
            previous = reader.line_num
    except csv.Error:
        return None
    return np.asarray(starts, dtype=np.int64)


def record_lines(chunk: Chunk, records: int) -> np.ndarray | None:
    """The physical line each of the chunk's ``records`` non-empty records starts on.

    Empty lines are not records (the parser skips them). Returns None when the records
    cannot be matched to lines (quoting so malformed that parsers disagree).

    Each record takes at least one line and an empty line takes one with no record, so when
    there are as many records as lines every line is one record (the common case, decided
    by one count). Otherwise the empty lines are found, and if that does not account for
    the difference a quoted field spans lines and the records are found by a CSV parser.
    """
    data = chunk.data
    lines = chunk.line_breaks() + (0 if data.endswith((b"\n", b"\r")) else 1)
    if lines == records:
        return np.arange(chunk.first_line, chunk.first_line + records, dtype=np.int64)
    starts: np.ndarray | None = _nonblank_lines(data)
    if starts is not None and starts.size != records:
        starts = None
    if starts is None:  # a quoted field spans lines
        starts = _record_starts_by_parser(data)
        if starts is None or starts.size != records:
            return None
    return starts + chunk.first_line


# ---- parsing ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Parsed:
    """One chunk parsed: text columns (file's names), each row's line, rows that failed."""

    table: pa.Table
    lines: np.ndarray
    malformed: list[Rejection]
    mapping: Mapping[str, str]  # canonical column -> the file's column
    end_offset: int


def _decode_header(name: str, head: bytes) -> list[str]:
    if not head:
        raise IngestError(name, "the file is empty", line=1)
    if b"\x00" in head:
        raise IngestError(name, "not a text CSV file (it contains binary data)", line=1)
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            name,
            f"not a UTF-8 text CSV file (undecodable byte at position {exc.start}); "
            "save it as CSV UTF-8",
            line=1,
        ) from exc
    return next(csv.reader(io.StringIO(text)), [])


def _first_line(data: bytes) -> tuple[bytes, int]:
    """The first physical line of ``data`` and the offset just past its line break."""
    ends = [i for i in (data.find(b"\n"), data.find(b"\r")) if i >= 0]
    if not ends:
        return data, len(data)
    end = min(ends)
    skip = 2 if data[end : end + 2] == b"\r\n" else 1
    return data[:end], end + skip


def csv_header(inp: InputFile) -> list[str]:
    """The column names in a CSV file's first line."""
    with inp.open() as raw:
        head = raw.read(1 << 16)
    return _decode_header(inp.name, _first_line(head)[0])


def _parser_names(header: Sequence[str]) -> list[str]:
    """Unique names for the parser: columns with no name get a placeholder (never read)."""
    return [h if h.strip() else f"\x00unnamed {i}" for i, h in enumerate(header, 1)]


def _parse_error(name: str, chunk: Chunk, exc: pa.ArrowInvalid) -> IngestError:
    try:
        chunk.data.decode("utf-8")
    except UnicodeDecodeError as bad:
        return IngestError(
            name,
            f"not UTF-8 text (undecodable byte 0x{chunk.data[bad.start]:02x}); "
            "save the file as CSV UTF-8",
            line=chunk.first_line + line_breaks(chunk.data[: bad.start]),
        )
    first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return IngestError(name, f"cannot be parsed as CSV ({first})")


def _parse_chunk(
    name: str, chunk: Chunk, names: list[str], mapping: Mapping[str, str]
) -> tuple[pa.Table, np.ndarray, list[Rejection]]:
    """Parse whole records into text columns; number every row and every malformed row."""
    invalid: list[tuple[int | None, int, int, bool]] = []

    def on_invalid(row: pv.InvalidRow) -> str:
        number = int(row.number) if row.number is not None else None
        invalid.append((number, row.actual_columns, row.expected_columns, not row.text.strip()))
        return "skip"  # its text is not kept: it could hold anything

    def parse(block_size: int) -> pa.Table:
        invalid.clear()
        return pv.read_csv(
            pa.BufferReader(chunk.data),
            read_options=pv.ReadOptions(
                column_names=names, use_threads=False, block_size=block_size
            ),
            parse_options=pv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=True, invalid_row_handler=on_invalid
            ),
            convert_options=pv.ConvertOptions(
                column_types={column: pa.string() for column in mapping.values()},
                include_columns=list(mapping.values()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    try:
        try:
            table = parse(PARSE_BLOCK)
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc):
                raise
            table = parse(len(chunk.data) + 1)  # a record longer than a block
    except pa.ArrowInvalid as exc:
        raise _parse_error(name, chunk, exc) from exc
    lines = record_lines(chunk, table.num_rows + len(invalid))
    if lines is None or any(number is None for number, *_ in invalid):
        raise IngestError(
            name,
            'rows cannot be matched to lines: the quoting is malformed (is a quote (") left open?)',
            line=chunk.first_line,
        )
    malformed = []
    if invalid:
        index = np.asarray([number for number, *_ in invalid], dtype=np.int64) - 1
        for (_n, actual, expected, blank), at in zip(invalid, index, strict=True):
            if not blank:  # a line of spaces is an empty line
                reason = f"row has {actual} fields, the header has {expected}"
                malformed.append(Rejection(name, int(lines[at]), None, reason))
        lines = np.delete(lines, index)
    return table, lines, malformed


def read_csv(
    inp: InputFile, match_header: Callable[[list[str]], dict[str, str]]
) -> Generator[Parsed, None, None]:
    """Parse a CSV file chunk by chunk; ``match_header`` maps its header (or raises).

    Raises
    ------
    IngestError
        Unusable input (see :func:`chunks`), an empty file, or malformed quoting.
    """
    mapping: dict[str, str] = {}
    names: list[str] = []
    with inp.open() as stream:
        for chunk in chunks(stream, inp.name):
            if not names:
                head, skip = _first_line(chunk.data)
                header = _decode_header(inp.name, head)
                mapping = match_header(header)
                names = _parser_names(header)
                rest = chunk.data[skip:]
                chunk = Chunk(rest, 2, chunk.end_offset, chunk.line_breaks() - (skip > 0))
                if not rest:
                    continue
            table, lines, malformed = _parse_chunk(inp.name, chunk, names, mapping)
            yield Parsed(table, lines, malformed, mapping, chunk.end_offset)
    if not names:
        raise IngestError(inp.name, "the file is empty", line=1)


# ---- reading ahead ----------------------------------------------------------------------
_DONE = object()


def prefetch(items: Iterator[T], depth: int = 1) -> Generator[T, None, None]:
    """Produce ``items`` in a background thread, up to ``depth`` ahead of the consumer.

    Reading and parsing the next chunk then overlaps checking this one. The thread is an
    ordinary Python thread: it stops and is joined when the consumer finishes or stops
    early (closing this generator), so no reader outlives its file or the interpreter.
    Errors raised while producing are raised to the consumer.
    """
    box: queue.Queue[tuple[bool, object]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[bool, object]) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((True, item)):
                    return
            put((True, _DONE))
        except BaseException as exc:  # handed to the consumer, which raises it
            put((False, exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name="upstream-csv-reader")
    worker.start()
    try:
        while True:
            ok, item = box.get()
            if not ok:
                assert isinstance(item, BaseException)
                raise item
            if item is _DONE:
                return
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()
