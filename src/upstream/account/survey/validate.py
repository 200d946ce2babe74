"""Validate resident survey rows: each row on its own, then the file as a whole.

A row fails (and is quarantined, naming its line or row and the field) when its weight is
missing, not a number or not positive; its wave date is not a date, is in the future or
before :data:`EARLIEST_WAVE` (an impossible wave); its area is not a ward or MSOA code; or
a characteristic or answer is not one of the documented codes. Across the file, a
respondent id given twice in the same wave fails both rows after the first.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from upstream.account.survey.schema import AREA_CODE, GROUPS, QUESTIONS
from upstream.ingest.errors import Rejection
from upstream.ingest.incidents import (
    ETHNICITY_ALIASES,
    Checked,
    _booleans,
    _Rows,
    normalise_choices,
)
from upstream.ingest.tabular import Batch

__all__ = [
    "EARLIEST_WAVE",
    "MAX_WEIGHT",
    "answer_code",
    "check_survey_rows",
    "repeated_respondents",
    "wave_of",
]

EARLIEST_WAVE = date(2000, 1, 1)
"""Interviews dated before this are refused as impossible waves (typing errors)."""
MAX_WEIGHT = 10_000.0
"""Weights at or above this are refused: no respondent stands for that many others in a
borough survey once weights are scaled to the sample (the usual scaling has mean 1)."""
_DATE = r"^\s*\d{4}-\d{2}-\d{2}(T00:00:00)?\s*$"  # a spreadsheet's date cell reads as midnight
_NUMBER = r"^\s*(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$"


def answer_code(text: str) -> str:
    """``"Don't know"`` -> ``"dont_know"``: how answer cells are matched to the codes."""
    low = text.strip().lower().replace("'", "").replace("\u2019", "")
    return "_".join(re.split(r"[\s\-]+", low)) if low else ""


def wave_of(day: date) -> str:
    """The wave (``YYYYQn``) an interview date belongs to."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _dates(text: pd.Series) -> pd.Series:
    return pd.to_datetime(text.str.strip(), format="%Y-%m-%d", errors="coerce")


def check_survey_rows(batch: Batch, file: str, unit: str, today: date) -> Checked:
    """Validate each row of a batch; return typed rows (with ``_line``) and rejections."""
    batch = normalise_choices(
        batch,
        dict(GROUPS),
        defaults=dict.fromkeys(GROUPS, "unknown"),
        aliases={"ethnic_group": ETHNICITY_ALIASES},
    )
    t = batch.table
    rows = _Rows(batch, file, unit)
    df = t.to_pandas(types_mapper=pd.ArrowDtype).astype("string").fillna("")
    ids = df["respondent_id"].str.strip()
    rows.check_ids("respondent_id", ids)
    weight_text = df["weight"].str.strip()
    rows.check("weight", (weight_text == "").to_numpy(dtype=bool), "weight is missing")
    weight = pd.to_numeric(weight_text.where(weight_text.str.fullmatch(_NUMBER)), errors="coerce")
    bad_weight = ~((weight > 0) & (weight < MAX_WEIGHT)).fillna(False)
    rows.check(
        "weight",
        bad_weight.to_numpy(dtype=bool),
        f"weight must be a positive number below {MAX_WEIGHT:,.0f}",
    )
    text = df["wave_date"].str.strip()
    day = _dates(text.where(text.str.fullmatch(_DATE)).str[:10])
    rows.check("wave_date", day.isna().to_numpy(dtype=bool), "wave_date must be a date YYYY-MM-DD")
    late = (day > pd.Timestamp(today)).fillna(False).to_numpy(dtype=bool)
    rows.check("wave_date", late, f"wave_date is after today ({today}): an impossible wave")
    early = (day < pd.Timestamp(EARLIEST_WAVE)).fillna(False).to_numpy(dtype=bool)
    rows.check("wave_date", early, f"wave_date is before {EARLIEST_WAVE}: an impossible wave")
    area = df["area"].str.strip().str.upper().replace({"": "unknown", "UNKNOWN": "unknown"})
    rows.check(
        "area",
        ~area.str.fullmatch(AREA_CODE).fillna(False).to_numpy(dtype=bool),
        "area must be a ward (E05...) or MSOA (E02...) GSS code, or unknown",
    )
    groups = {g: pd.Series(t.column(g).to_pylist(), index=df.index, dtype="string") for g in GROUPS}
    for name, allowed in GROUPS.items():
        rows.check(
            name,
            ~groups[name].isin(allowed).to_numpy(dtype=bool),
            f"{name} must be one of {', '.join(allowed)}",
        )
    answers = {}
    for name, q in QUESTIONS.items():
        code = df[name].map(answer_code).astype("string")
        rows.check(
            name,
            ~(code.isin(q.codes) | (code == "")).to_numpy(dtype=bool),
            f"{name} must be one of {', '.join(q.codes)} (or empty when not asked)",
        )
        answers[name] = code.replace("", pd.NA)
    synthetic, bad_syn = _booleans(df["synthetic"], False)
    rows.check("synthetic", bad_syn, "synthetic must be true or false")
    frame = pd.DataFrame(
        {
            "respondent_id": ids,
            "weight": weight.astype("float64"),
            "wave_date": day.dt.date,
            "area": area,
            **groups,
            **answers,
            "synthetic": synthetic,
            "_line": batch.lines,
        }
    )[~rows.bad]
    frame["wave"] = [wave_of(d) for d in frame["wave_date"]]
    return Checked(frame.reset_index(drop=True), rows.rejected)


def repeated_respondents(frame: pd.DataFrame, file: str, unit: str) -> list[Rejection]:
    """Rows whose respondent id was already given for the same wave earlier in the file."""
    again = frame.duplicated(["wave", "respondent_id"], keep="first")
    first = frame.drop_duplicates(["wave", "respondent_id"]).set_index(["wave", "respondent_id"])
    out = []
    dup = frame[again]
    for wave, rid, at in zip(dup["wave"], dup["respondent_id"], dup["_line"], strict=True):
        line = int(first.loc[(wave, rid), "_line"])
        out.append(
            Rejection(
                file,
                int(at),
                "respondent_id",
                f"respondent_id is given twice in wave {wave} (first at {unit} {line})",
                {"respondent_id": str(rid), "wave": str(wave)},
                unit,
            )
        )
    return out
