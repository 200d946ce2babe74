"""Evidence links between people, their validation, and which links are active on a date.

A link row records one piece of evidence that two people are connected:

``a``, ``b``
    Pseudonymous person ids. For ``victim_suspect`` links ``a`` is the victim and ``b`` the
    suspect (the direction matters for violence between groups); other kinds are symmetric.
``kind``
    One of :data:`KINDS`: co-involvement in a partnership incident (``co_suspect``,
    ``victim_suspect``, ``co_victim``), a case-tool relation (``sibling``, ``friend``) or an
    ``intelligence`` link entered by an authorised user.
``evidence_ids``
    The incident or record ids behind the link, separated by ``;`` (at least one).
``evidence_date``
    Date of the evidence (ISO ``YYYY-MM-DD``).
``source_agency``
    Who recorded it.
``grading``
    UK 3x5x2 grading (College of Policing), e.g. ``2BP``: source evaluation 1 (reliable),
    2 (untested) or 3 (not reliable); intelligence assessment A (known directly to the source),
    B (known indirectly, corroborated), C (known indirectly), D (not known) or E (suspected
    false); handling code P (lawful sharing permitted) or C (conditions apply).
    Required for intelligence links, optional otherwise.
``review_date``
    When the link must be reviewed; a link past its review date is not used.
``labels`` (optional)
    Incident labels such as ``county lines``, separated by ``;``.

A column that looks identifying (a name, date of birth, address, ...) refuses the file, and
so does an id that looks like a name (a space or no digit); other columns are dropped.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from upstream.network.errors import NetworkInputError, refuse_identifying, refuse_name_like

__all__ = [
    "COLUMNS",
    "GRADING",
    "KINDS",
    "OPTIONAL",
    "active_links",
    "months_before",
    "validate_links",
]

KINDS = ("co_suspect", "victim_suspect", "co_victim", "sibling", "friend", "intelligence")
COLUMNS = (
    "a",
    "b",
    "kind",
    "evidence_ids",
    "evidence_date",
    "source_agency",
    "grading",
    "review_date",
)
OPTIONAL = ("grading", "labels")
GRADING = re.compile(r"^[123][A-E][PC]$")
"""The 3x5x2 grading: source evaluation, information assessment, handling code."""


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (clamped to the month's end)."""
    return (pd.Timestamp(day) - pd.DateOffset(months=months)).date()


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    text = frame[column].astype("string").str.strip()
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna()
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise NetworkInputError("not a date (YYYY-MM-DD)", line=i + 2, field=column)
    return parsed.dt.date


def validate_links(frame: pd.DataFrame) -> pd.DataFrame:
    """The links in ``frame`` checked and normalised, or :class:`NetworkInputError`.

    Returns a new frame with exactly :data:`COLUMNS` plus ``labels`` (text stripped, dates
    as :class:`datetime.date`, ``evidence_ids`` as a ``;``-joined string).
    """
    refuse_identifying(frame.columns)
    missing = [c for c in COLUMNS if c not in frame.columns and c not in OPTIONAL]
    if missing:
        raise NetworkInputError(f"missing column(s): {', '.join(missing)}")
    out = pd.DataFrame(index=range(len(frame)))
    for column in (*COLUMNS, "labels"):
        values = frame[column] if column in frame.columns else pd.Series([""] * len(frame))
        out[column] = values.reset_index(drop=True).astype("string").fillna("").str.strip()
    for column in ("a", "b", "evidence_ids", "source_agency"):
        empty = out[column] == ""
        if empty.any():
            i = int(empty.to_numpy().nonzero()[0][0])
            raise NetworkInputError("must not be empty", line=i + 2, field=column)
    refuse_name_like(out["a"], "a")
    refuse_name_like(out["b"], "b")
    same = out["a"] == out["b"]
    if same.any():
        line = int(same.to_numpy().nonzero()[0][0]) + 2
        raise NetworkInputError("a person cannot be linked to themselves", line=line, field="b")
    bad_kind = ~out["kind"].isin(KINDS)
    if bad_kind.any():
        raise NetworkInputError(
            f"not one of {', '.join(KINDS)}",
            line=int(bad_kind.to_numpy().nonzero()[0][0]) + 2,
            field="kind",
        )
    graded = out["grading"] != ""
    bad_grade = graded & ~out["grading"].str.match(GRADING.pattern)
    bad_grade |= (out["kind"] == "intelligence") & ~graded
    if bad_grade.any():
        raise NetworkInputError(
            "needs a 3x5x2 grading such as 2BP (intelligence links must be graded)",
            line=int(bad_grade.to_numpy().nonzero()[0][0]) + 2,
            field="grading",
        )
    out["evidence_ids"] = out["evidence_ids"].map(
        lambda s: ";".join(p.strip() for p in s.split(";") if p.strip())
    )
    out["evidence_date"] = _dates(out, "evidence_date")
    out["review_date"] = _dates(out, "review_date")
    early = out["review_date"] < out["evidence_date"]
    if early.any():
        raise NetworkInputError(
            "review date is before the evidence date",
            line=int(early.to_numpy().nonzero()[0][0]) + 2,
            field="review_date",
        )
    return out


def _union(values: pd.Series) -> str:
    seen: dict[str, None] = {}
    for cell in values:
        for part in str(cell).split(";"):
            if part:
                seen.setdefault(part, None)
    return ";".join(seen)


def active_links(links: pd.DataFrame, as_of: date, window_months: int = 24) -> pd.DataFrame:
    """The links in use on ``as_of``: one row per pair and kind, with all its evidence.

    Evidence dated after ``as_of`` is ignored. Rows for the same pair and kind (``a``/``b``
    in either order for symmetric kinds) are merged: their evidence ids, agencies, grades and
    labels are joined, ``evidence_date`` becomes the latest and ``review_date`` the latest
    review. The merged link is active only if its latest evidence is within ``window_months``
    before ``as_of`` (a link ages out unless re-evidenced) and its review date has not passed.

    Parameters
    ----------
    links
        A frame from :func:`validate_links`.
    """
    if window_months < 1:
        raise ValueError("the window must be at least one month")
    start = months_before(as_of, window_months)
    rows = links[links["evidence_date"] <= as_of].copy()
    symmetric = rows["kind"] != "victim_suspect"
    lo = rows[["a", "b"]].min(axis=1)
    hi = rows[["a", "b"]].max(axis=1)
    rows.loc[symmetric, "a"] = lo[symmetric]
    rows.loc[symmetric, "b"] = hi[symmetric]
    if rows.empty:
        merged = rows.assign(n_evidence=pd.Series(dtype="int64"))
    else:
        merged = rows.groupby(["a", "b", "kind"], as_index=False, sort=True).agg(
            evidence_ids=("evidence_ids", _union),
            evidence_date=("evidence_date", "max"),
            source_agency=("source_agency", _union),
            grading=("grading", _union),
            review_date=("review_date", "max"),
            labels=("labels", _union),
        )
        merged["n_evidence"] = merged["evidence_ids"].str.count(";") + 1
    keep = (merged["evidence_date"] >= start) & (merged["review_date"] >= as_of)
    return merged[keep].reset_index(drop=True)
