"""Small survey files for the tests."""

from __future__ import annotations

import csv
from pathlib import Path

from upstream.account.survey.schema import SURVEY_COLUMNS

HEADER = [c for c in SURVEY_COLUMNS if c != "synthetic"]


def respondent(i: int, wave_date: str = "2025-02-10", weight: str = "1.0", **answers: str) -> dict:
    """One well-formed respondent; ``answers`` override any cell."""
    row = {
        "respondent_id": f"R{i:04d}",
        "weight": weight,
        "wave_date": wave_date,
        "area": "E02000895",
        "age_band": "25-34",
        "sex": "female",
        "ethnic_group": "Black",
        "tenure": "social_rent",
        "parent_dependent_children": "yes",
        "worry_knife_crime": "very_worried",
        "fear_affects_life": "strongly",
        "crime_increased": "about_the_same",
        "safe_after_dark": "fairly_safe",
        "confidence_police": "agree",
        "young_safe_school_journey": "disagree",
    }
    return row | answers


def write(path: Path, rows: list[dict], header: list[str] | None = None) -> Path:
    """Write ``rows`` as a CSV survey file."""
    header = header or list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path
