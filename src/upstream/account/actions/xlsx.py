"""The action plan as the XLSX workbook a partnership keeps: read (all or nothing) and write.

Sheet ``Actions`` (or the first sheet), one action a row under a header row; sheet
``Milestones`` (optional), one milestone a row. Column names are matched ignoring case and
spaces; the order is free. The columns (documented in ``docs/action-plan.md``):

``Actions``: ``ref``\\*, ``domain``\\*, ``action``\\*, ``commitment``, ``lead_agency``\\*,
``owner``, ``start``\\*, ``due``\\*, ``status``, ``rag``, ``rag_note``, ``budget_gbp``,
``outcome_measures``, ``programme`` (\\* required).
``Milestones``: ``ref``\\*, ``milestone``\\*, ``due``\\*, ``done_on``.

Every id in ``outcome_measures`` must be a measure of the outcome-measures file (the bundled
``outcomes.toml`` unless another is given): an unknown id is a bad cell like any other, with
the closest known id suggested (or the known ids listed).

:func:`read_plan` checks every row and raises :class:`PlanFileError` listing each bad one by
file, sheet, row and column; it returns rows only when the whole file is good, so an import
stores all of it or nothing. :func:`write_plan` writes the same layout (text cells made
spreadsheet-safe), all at once, so an export can be edited and imported back.
"""

from __future__ import annotations

import io
import os
import re
import uuid
import zipfile
from collections.abc import Collection, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from upstream.account.actions.schemas import ActionData, MilestoneData
from upstream.account.actions.service import PlanRow
from upstream.account.actions.vocab import Domain, Rag, Status, parse_choice
from upstream.cases.vocab import Agency
from upstream.csvsafe import safe_cell

__all__ = [
    "ACTION_COLUMNS",
    "MILESTONE_COLUMNS",
    "REQUIRED_ACTION_COLUMNS",
    "REQUIRED_MILESTONE_COLUMNS",
    "PlanFileError",
    "plan_workbook",
    "read_plan",
    "write_plan",
]

ACTION_COLUMNS = (
    "ref",
    "domain",
    "action",
    "commitment",
    "lead_agency",
    "owner",
    "start",
    "due",
    "status",
    "rag",
    "rag_note",
    "budget_gbp",
    "outcome_measures",
    "programme",
)
REQUIRED_ACTION_COLUMNS = ("ref", "domain", "action", "lead_agency", "start", "due")
MILESTONE_COLUMNS = ("ref", "milestone", "due", "done_on")
REQUIRED_MILESTONE_COLUMNS = ("ref", "milestone", "due")
_FIELD = {"action": "title", "outcome_measures": "outcome_ids"}
_COLUMN = {v: k for k, v in _FIELD.items()}
_DATES = ("start", "due", "done_on")
_CHOICES: dict[str, Any] = {
    "domain": Domain,
    "status": Status,
    "rag": Rag,
    "lead_agency": Agency,
}
_MAX_PROBLEMS = 50


class PlanFileError(ValueError):
    """The workbook cannot be imported; ``problems`` names each bad cell (file, sheet, row,
    column). The message is the first, and how many more there are."""

    def __init__(self, problems: list[str]) -> None:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more)
        self.problems = problems


def _key(header: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(header or "").strip().lower())


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (use a date cell, 2027-03-31 or 31/03/2027)")


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _budget(value: Any) -> float:
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace(",", "").replace("£", "")
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{value!r} is not an amount in pounds") from None


def _cell(name: str, value: Any) -> Any:
    """The value of one cell as the schema takes it (``None`` when blank)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if name in _DATES:
        return _date(value)
    if name in _CHOICES:
        return parse_choice(_CHOICES[name], str(value)).value
    if name == "budget_gbp":
        return _budget(value)
    if name == "outcome_measures":
        return [t.strip() for t in re.split(r"[,;\s]+", str(value)) if t.strip()]
    return _text(value)


class _Sheet:
    """One sheet's header: which column letter holds each known column."""

    def __init__(
        self, where: str, ws: Worksheet, known: Sequence[str], required: Sequence[str]
    ) -> None:
        self.where = where
        self.ws = ws
        header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
        self.index: dict[str, int] = {}
        self.problems: list[str] = []
        for i, cell in enumerate(header):
            name = _key(cell)
            if not name:
                continue
            if name not in known:
                self.problems.append(
                    f"{where}, row 1, column {get_column_letter(i + 1)}: unknown column "
                    f"{str(cell)!r} (known: {', '.join(known)})"
                )
            elif name in self.index:
                self.problems.append(
                    f"{where}, row 1, column {get_column_letter(i + 1)}: column {name!r} twice"
                )
            else:
                self.index[name] = i
        for name in required:
            if name not in self.index:
                self.problems.append(f"{where}, row 1: required column {name!r} is missing")

    def column(self, name: str) -> str:
        """``column F (owner)``."""
        return f"column {get_column_letter(self.index[name] + 1)} ({name})"

    def rows(self) -> Iterator[tuple[int, dict[str, Any], list[str]]]:
        """Each non-blank row: its number, its values by column name, its problems."""
        for number, values in enumerate(self.ws.iter_rows(min_row=2, values_only=True), 2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            out: dict[str, Any] = {}
            problems = []
            for name, i in self.index.items():
                raw = values[i] if i < len(values) else None
                try:
                    out[name] = _cell(name, raw)
                except ValueError as exc:
                    problems.append(f"{self.where}, row {number}, {self.column(name)}: {exc}")
            yield number, out, problems


def _schema_problems(sheet: _Sheet, number: int, exc: ValidationError) -> list[str]:
    out = []
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ())]
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        field = loc[0] if loc else ""
        if not field and ": " in message:
            field, message = message.split(": ", 1)
        column = _COLUMN.get(field, field)
        where = sheet.column(column) if column in sheet.index else f"column {column or '?'}"
        out.append(f"{sheet.where}, row {number}, {where}: {message}")
    return out


def _milestones(
    name: str, ws: Worksheet | None, problems: list[str]
) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    out: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    if ws is None:
        return out
    sheet = _Sheet(f"{name}, sheet {ws.title}", ws, MILESTONE_COLUMNS, REQUIRED_MILESTONE_COLUMNS)
    problems.extend(sheet.problems)
    if sheet.problems:
        return out
    for number, values, bad in sheet.rows():
        problems.extend(bad)
        if not bad:
            try:
                MilestoneData.model_validate(
                    {"title": values.get("milestone"), "due": values.get("due"),
                     "done_on": values.get("done_on")}
                )  # fmt: skip
            except ValidationError as exc:
                problems.extend(_schema_problems(sheet, number, exc))
                continue
            out.setdefault(str(values["ref"]), []).append((number, values))
    return out


def _measure_ids(measures: Path | None) -> tuple[frozenset[str], str]:
    """The outcome-measure ids an action may link to, and the file they come from (imported
    here: the outcomes package is heavy, and the command line imports this module)."""
    from upstream.account.outcomes.definitions import MeasureError, load_measures

    try:
        ids = frozenset(m.id for m in load_measures(measures))
    except MeasureError as exc:
        raise PlanFileError([str(exc)]) from None
    return ids, "outcomes.toml" if measures is None else str(measures)


def _unknown_outcomes(
    sheet: _Sheet, number: int, ids: Sequence[str], known: Collection[str], origin: str
) -> list[str]:
    """One problem per linked outcome id that is not a measure of ``origin``."""
    from upstream.account.outcomes.definitions import unknown_measure

    return [
        f"{sheet.where}, row {number}, {sheet.column('outcome_measures')}: "
        + unknown_measure(ident, known, origin)
        for ident in ids
        if ident not in known
    ]


def read_plan(
    path: Path | BinaryIO, name: str | None = None, *, measures: Path | None = None
) -> list[PlanRow]:
    """Every action of the workbook, checked; nothing unless every row is good.

    Parameters
    ----------
    path
        The workbook's file, or its bytes as a binary file (an upload).
    name
        The file name messages give (default: the file's own name).
    measures
        The outcome-measures TOML whose ids an action may link to (default: the bundled
        ``outcomes.toml``, the measures the Outcomes page and the board pack show).

    Raises
    ------
    PlanFileError
        Naming file, sheet, row and column of each bad cell (up to 50), an outcome id that
        is not a measure among them; or naming the measures file when it cannot be used.
    """
    if name is None:
        name = Path(path).name if isinstance(path, str | Path) else "upload.xlsx"
    known, origin = _measure_ids(measures)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise PlanFileError([f"{name}: not an XLSX workbook ({type(exc).__name__})"]) from None
    try:
        ws = book["Actions"] if "Actions" in book.sheetnames else book.worksheets[0]
        sheet = _Sheet(f"{name}, sheet {ws.title}", ws, ACTION_COLUMNS, REQUIRED_ACTION_COLUMNS)
        problems = list(sheet.problems)
        has_steps = "Milestones" in book.sheetnames
        steps = _milestones(name, book["Milestones"] if has_steps else None, problems)
        rows: list[PlanRow] = []
        seen: dict[str, int] = {}
        if not sheet.problems:
            for number, values, bad in sheet.rows():
                problems.extend(bad)
                if bad:
                    continue
                ref = str(values.get("ref") or "")
                if ref in seen:
                    problems.append(
                        f"{sheet.where}, row {number}, {sheet.column('ref')}: reference "
                        f"{ref!r} already used in row {seen[ref]}"
                    )
                    continue
                seen[ref] = number
                fields = {_FIELD.get(k, k): v for k, v in values.items() if v is not None}
                fields["milestones"] = [
                    {"title": m["milestone"], "due": m["due"], "done_on": m.get("done_on")}
                    for _, m in steps.get(ref, [])
                ]
                try:
                    data = ActionData.model_validate(fields)
                except ValidationError as exc:
                    problems.extend(_schema_problems(sheet, number, exc))
                    continue
                unknown = _unknown_outcomes(sheet, number, data.outcome_ids, known, origin)
                if unknown:
                    problems.extend(unknown)
                    continue
                owner = sheet.column("owner") if "owner" in sheet.index else "owner"
                rows.append(PlanRow(data, f"{sheet.where}, row {number}", owner, has_steps))
            for ref, items in steps.items():
                if ref not in seen:
                    problems.append(
                        f"{name}, sheet Milestones, row {items[0][0]}: no action {ref!r} in "
                        "the Actions sheet"
                    )
        if not problems and not rows:
            problems.append(f"{sheet.where}: no actions (one action a row under the header)")
    finally:
        book.close()
    if problems:
        raise PlanFileError(problems[:_MAX_PROBLEMS])
    return rows


def plan_workbook(actions: Sequence[ActionData], *, demo: bool, exported: date) -> bytes:
    """The workbook of ``actions`` (sheets Actions, Milestones, About) as XLSX bytes."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Actions"
    ws.append(list(ACTION_COLUMNS))
    for a in actions:
        ws.append(
            [
                safe_cell(a.ref),
                a.domain.value,
                safe_cell(a.title),
                safe_cell(a.commitment),
                a.lead_agency.value,
                safe_cell(a.owner),
                a.start,
                a.due,
                a.status.value,
                a.rag.value,
                safe_cell(a.rag_note),
                a.budget_gbp,
                ", ".join(a.outcome_ids) or None,
                a.programme,
            ]
        )
    milestones = book.create_sheet("Milestones")
    milestones.append(list(MILESTONE_COLUMNS))
    for a in actions:
        for m in a.milestones:
            milestones.append([safe_cell(a.ref), safe_cell(m.title), m.due, m.done_on])
    for sheet in (ws, milestones):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    about = book.create_sheet("About")
    about.append([f"Action plan exported from upstream on {exported.isoformat()}."])
    about.append(["The columns are described in docs/action-plan.md; edit and import it back."])
    if demo:
        about.append(["DEMO: this plan holds the demonstration actions, not a real plan."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_plan(data: bytes, path: Path) -> Path:
    """Write workbook bytes to ``path`` all at once (a temporary file renamed over it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
