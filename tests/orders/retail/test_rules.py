"""The pure parts: re-test rules and the due list, compliance with exact intervals, and the
priority score's parts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from upstream.orders.retail.compliance import Period, compliance
from upstream.orders.retail.priority import explain, priority_scores
from upstream.orders.retail.schedule import RulesError, add_months, due_list, load_rules
from upstream.orders.retail.schemas import PremisesView, TestRecord

TODAY = date(2026, 12, 2)


def _premises(ref: str, last: date | None, result: str | None, sold: list[date] | None = None,
              x: float = 537_500.0, y: float = 189_500.0) -> PremisesView:  # fmt: skip
    return PremisesView(
        ref=ref, name=f"Shop {ref}", address="1 Road", premises_type="shop", easting=x,
        northing=y, demo=False, version=1, tests=0 if last is None else 1, last_on=last,
        last_result=result, sold_on=sold or [],
    )  # fmt: skip


def test_sales_are_retested_sooner_and_the_never_tested_are_due_now() -> None:
    rules = load_rules()
    assert (rules.after_sale_months, rules.after_refusal_months) == (3, 12)
    due = due_list(
        [
            _premises("A", date(2026, 8, 31), "sold"),
            _premises("B", date(2026, 1, 15), "refused"),
            _premises("C", None, None),
            _premises("D", date(2026, 11, 30), "refused"),
        ],
        rules,
        TODAY,
    )
    assert [(d.ref, d.due, d.overdue) for d in due] == [
        ("A", date(2026, 11, 30), True),  # 31 Aug + 3 months: the month's last day
        ("C", TODAY, False),
        ("B", date(2027, 1, 15), False),
        ("D", date(2027, 11, 30), False),
    ]
    assert due[0].reason == "sold to the volunteer on 31 Aug 2026: re-test within 3 months"
    assert due[1].reason == "never tested: due now"
    soon = due_list([_premises("B", date(2026, 1, 15), "refused")], rules, TODAY, within_days=30)
    assert soon == []
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_a_partnership_sets_its_own_rules_and_bad_files_are_named(tmp_path: Path) -> None:
    own = tmp_path / "retail.toml"
    own.write_text("[retest]\nafter_sale_months = 1\n", encoding="utf-8")
    rules = load_rules(own)
    assert (rules.after_sale_months, rules.after_refusal_months) == (1, 12)
    due = due_list([_premises("A", date(2026, 10, 15), "sold")], rules, TODAY)
    assert due[0].due == date(2026, 11, 15) and due[0].overdue
    own.write_text("[retest]\nafter_sale_months = 0\n", encoding="utf-8")
    with pytest.raises(
        RulesError, match=r"retail.toml, \[retest\] after_sale_months: must be a whole"
    ):
        load_rules(own)
    own.write_text("[retest]\nafter_sales = 2\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"\[retest\] after_sales: unknown key"):
        load_rules(own)
    own.write_text("[retest\n", encoding="utf-8")
    with pytest.raises(RulesError, match="not valid TOML"):
        load_rules(own)


def _records(period_results: dict[date, tuple[int, int]], kind: str = "shop") -> list[TestRecord]:
    out = []
    for day, (refused, sold) in period_results.items():
        out += [TestRecord(on=day, premises_type=kind, result="refused")] * refused
        out += [TestRecord(on=day, premises_type=kind, result="sold")] * sold
    return out


def test_compliance_per_quarter_has_the_exact_clopper_pearson_interval() -> None:
    records = _records({date(2026, 2, 1): (7, 3), date(2026, 5, 1): (4, 0)})
    records += _records({date(2026, 5, 2): (1, 1)}, "online")
    rows = compliance(records, Period.QUARTER)
    assert [(r.period, r.tests, r.refused) for r in rows] == [("2026 Q1", 10, 7), ("2026 Q2", 6, 5)]
    q1 = rows[0]
    assert q1.rate == pytest.approx(0.7)
    assert q1.lower == pytest.approx(stats.beta.ppf(0.025, 7, 4))
    assert q1.upper == pytest.approx(stats.beta.ppf(0.975, 8, 3))
    assert q1.line.startswith(
        "2026 Q1: 7 of 10 test purchases at all premises were refused (70%); 3 sold a knife"
    )
    assert "likely between 35% and 93%" in q1.line and "read it with care" not in q1.line
    assert "Fewer than 10 tests" in rows[1].line
    split = compliance(records, Period.YEAR, by_type=True)
    assert [(r.period, r.premises_type, r.tests) for r in split] == [
        ("2026", "online", 2),
        ("2026", "shop", 14),
    ]
    assert "at online sellers" in split[0].line
    all_refused = compliance(_records({date(2026, 1, 5): (4, 0)}), Period.YEAR)[0]
    assert all_refused.upper == 1.0 and all_refused.lower == pytest.approx(0.025 ** (1 / 4))
    assert compliance([], Period.YEAR) == []


def test_the_priority_score_shows_its_parts() -> None:
    rules = load_rules()
    schools = pd.DataFrame({"name": ["Near School"], "x": [537_500.0], "y": [189_700.0]})
    weapons = pd.DataFrame({"x": [537_600.0, 540_000.0], "y": [189_500.0, 189_500.0],
                            "n": [4.0, 9.0]})  # fmt: skip
    premises = [
        _premises("A", date(2026, 8, 1), "sold", [date(2026, 8, 1), date(2025, 3, 1)]),
        _premises("B", date(2026, 8, 1), "refused", [date(2024, 1, 1)], x=540_000.0),
        _premises("C", None, None, x=545_000.0),
    ]
    scores = {s.ref: s for s in priority_scores(premises, schools, weapons, rules, TODAY)}
    a, b, c = scores["A"], scores["B"], scores["C"]
    assert (a.school_m, a.school_points) == (200, 32.0)  # 40 x (1 - 200/1000)
    assert (a.failures, a.failures_points) == (2, 35.0)
    assert (a.weapons_near, a.risk_points) == (4.0, round(25 * 4 / 9, 1))
    assert a.score == round(32.0 + 35.0 + round(25 * 4 / 9, 1), 1)
    assert (b.failures, b.failures_points, b.risk_points) == (0, 0.0, 25.0)  # 2024: too old
    assert (c.school_points, c.failures_points, c.risk_points, c.score) == (0, 0, 0, 0)
    order = [s.ref for s in priority_scores(premises, schools, weapons, rules, TODAY)]
    assert order == ["A", "B", "C"]
    text = explain(a, rules)
    assert text.startswith("Shop A scores 78 of 100: 32 for schools (Near School is 200 m away)")
    assert "35 for 2 sale(s) to volunteers in 2 years" in text
    none = priority_scores(premises[:1], schools.iloc[0:0], weapons.iloc[0:0], rules, TODAY)[0]
    assert (none.school, none.school_points, none.risk_points) == (None, 0.0, 0.0)
