"""The disproportionality audit against hand-computed values and the Gangs Matrix figures."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import norm

from upstream.network.audit import audit_table

Z = 1.959963984540054


def dims(groups: dict[str, list[str]]) -> pd.DataFrame:
    """People ``prefix0..`` with the given ethnic groups, all 18-24 and male."""
    rows = [(f"{prefix}{i}", g) for prefix, gs in groups.items() for i, g in enumerate(gs)]
    return pd.DataFrame(
        {"ethnic_group": [g for _, g in rows], "age_band": "18-24", "sex": "M"},
        index=[p for p, _ in rows],
    )


def black_share_case(listed: int, black: int, base: int, base_black: int) -> pd.DataFrame:
    return dims(
        {
            "L": ["Black"] * black + ["White"] * (listed - black),
            "S": ["Black"] * base_black + ["White"] * (base - base_black),
        }
    )


def ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


def row(table: pd.DataFrame, dimension: str, group: str) -> pd.Series:
    return table[(table["dimension"] == dimension) & (table["group"] == group)].iloc[0]


def test_a_list_78_of_100_against_27_of_100_by_hand() -> None:
    d = black_share_case(100, 78, 100, 27)
    audit = audit_table(ids("L", 100), d, {"suspects": ids("S", 100)})
    black = row(audit.table, "ethnic_group", "Black")
    # Katz: log ratio +- z * sqrt(1/a - 1/n1 + 1/c - 1/n2)
    ratio = 0.78 / 0.27
    se = math.sqrt(1 / 78 - 1 / 100 + 1 / 27 - 1 / 100)
    assert black["suspects_ratio"] == pytest.approx(ratio)
    assert black["suspects_ratio_lo"] == pytest.approx(ratio * math.exp(-Z * se))
    assert black["suspects_ratio_hi"] == pytest.approx(ratio * math.exp(Z * se))
    assert (black["suspects_ratio_lo"], black["suspects_ratio_hi"]) == (
        pytest.approx(2.0590, abs=5e-4),
        pytest.approx(4.0533, abs=5e-4),
    )
    # Wilson for the list's share: (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)
    p, n = 0.78, 100
    centre, half = p + Z * Z / (2 * n), Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    assert black["list_lo"] == pytest.approx((centre - half) / (1 + Z * Z / n))
    assert black["list_hi"] == pytest.approx((centre + half) / (1 + Z * Z / n))
    # one-sided p of the log ratio, Holm over the 2 groups tested (Black, White): everyone is
    # 18-24 and male in both, a share of 1 with no variance, so those are not tests
    p_one = norm.sf(math.log(ratio) / se)
    assert black["suspects_p"] == pytest.approx(p_one)
    assert black["suspects_p_holm"] == pytest.approx(min(1.0, 2 * p_one))
    assert bool(black["over_represented"])
    assert not bool(row(audit.table, "ethnic_group", "White")["over_represented"])
    assert not bool(row(audit.table, "sex", "M")["over_represented"])
    assert len(audit.warnings) == 1
    assert audit.warnings[0].startswith("WARNING: the list over-represents Black (ethnic group)")
    assert "78% of the list against 27% of suspects" in audit.warnings[0]


@pytest.mark.parametrize("listed", [20, 100, 1000])
@pytest.mark.parametrize("base", [1000, 10000])
def test_the_gangs_matrix_figures_always_warn(listed: int, base: int) -> None:
    """Published check: the Met's Gangs Matrix listed people 78% Black against 27% of serious
    youth violence suspects. Any realistic list with that make-up must raise the warning."""
    black, base_black = round(0.78 * listed), round(0.27 * base)
    d = black_share_case(listed, black, base, base_black)
    audit = audit_table(ids("L", listed), d, {"suspects": ids("S", base)})
    assert any("over-represents Black" in w for w in audit.warnings)


def test_a_list_like_its_suspect_base_does_not_warn() -> None:
    d = black_share_case(100, 28, 1000, 270)
    assert audit_table(ids("L", 100), d, {"suspects": ids("S", 1000)}).warnings == ()


def test_a_tiny_list_is_not_beyond_chance() -> None:
    # 3 of 5 (60%) against 27%: ratio 2.2 but the Holm-adjusted p is about 0.06
    d = black_share_case(5, 3, 1000, 270)
    audit = audit_table(ids("L", 5), d, {"suspects": ids("S", 1000)})
    black = row(audit.table, "ethnic_group", "Black")
    assert black["suspects_ratio"] == pytest.approx(0.6 / 0.27)
    assert black["suspects_p"] < 0.025 < black["suspects_p_holm"]
    assert audit.warnings == ()


def test_victims_and_resident_counts_are_compared_too() -> None:
    d = black_share_case(10, 5, 10, 3)
    residents = {"ethnic_group": {"Black": 180, "White": 820}, "sex": {"M": 500, "F": 500}}
    audit = audit_table(
        ids("L", 10), d, {"suspects": ids("S", 10), "victims": ids("S", 4), "residents": residents}
    )
    black = row(audit.table, "ethnic_group", "Black")
    assert black["residents_share"] == pytest.approx(0.18)
    assert black["residents_ratio"] == pytest.approx(0.5 / 0.18)
    assert black["victims_n"] == 3 and black["victims_total"] == 4
    assert row(audit.table, "sex", "M")["residents_ratio"] == pytest.approx(2.0)
