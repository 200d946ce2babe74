"""Ingest: external formats -> validated, projected, clipped rows in the event store.

One module per external format (``police_uk``, ``stop_search``); one pipeline
(``pipeline.ingest_files``) that makes every ingest all-or-nothing.
"""

from upstream.ingest.errors import DiskFull, IngestError, Rejection, describe_os_error
from upstream.ingest.files import InputFile, discover
from upstream.ingest.formats import EventFormat
from upstream.ingest.pipeline import FileSummary, IngestResult, TooManyRejections, ingest_files
from upstream.ingest.police_uk import STREET
from upstream.ingest.stop_search import STOP_SEARCH

__all__ = [
    "POLICE_UK_FORMATS",
    "DiskFull",
    "FileSummary",
    "IngestError",
    "IngestResult",
    "InputFile",
    "Rejection",
    "TooManyRejections",
    "describe_os_error",
    "discover",
    "ingest_files",
]

POLICE_UK_FORMATS: dict[str, EventFormat] = {STREET.kind: STREET, STOP_SEARCH.kind: STOP_SEARCH}
"""The formats ``upstream ingest police-uk`` reads, by kind."""
