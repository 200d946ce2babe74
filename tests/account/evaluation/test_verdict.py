"""The plain-English verdict: the four readings, and placebo notes."""

from __future__ import annotations

from upstream.account.evaluation.placebo import PlaceboResult
from upstream.account.evaluation.verdict import verdict


def test_the_four_readings() -> None:
    fell = verdict(0.7, 0.55, 0.89, what="knife crime")
    assert fell.startswith("After the start, knife crime was about 30% lower than expected")
    assert "(rate ratio 0.70, 95% interval 0.55 to 0.89)" in fell
    assert "higher than expected" in verdict(1.3, 1.1, 1.5)
    assert verdict(1.02, 0.9, 1.15).startswith("No change large enough to matter")
    cannot = verdict(0.8, 0.5, 1.3)
    assert cannot.startswith("The data cannot tell: the count could have fallen by as much as 50%")
    assert "risen by as much as 30%" in cannot


def _placebo(kind: str, ps: list[float]) -> PlaceboResult:
    n = len(ps)
    return PlaceboResult(kind, tuple(f"p{i}" for i in range(n)), (1.0,) * n, tuple(ps), 0.5)


def test_placebo_notes() -> None:
    noisy = verdict(0.5, 0.4, 0.6, placebos=(_placebo("time", [0.01] * 3 + [0.5] * 7),))
    assert "Placebo check over 10 invented start dates: 30% showed" in noisy
    assert "treat the interval above with caution" in noisy
    shared = verdict(0.5, 0.4, 0.6, placebos=(_placebo("space", [0.01] * 8 + [0.5] * 2),))
    assert "cannot be credited to anything local" in shared
    local = verdict(0.5, 0.4, 0.6, placebos=(_placebo("space", [0.5] * 19),))
    assert "ranks with p = 0.05 among them" in local and "credited" not in local
    few = verdict(0.5, 0.4, 0.6, placebos=(_placebo("time", [0.5]),))
    assert "Too few months before the start for a placebo check in time" in few
    assert "(1 invented start date);" in few  # one date, not "1 ... dates"
    two = verdict(0.5, 0.4, 0.6, placebos=(_placebo("time", [0.5, 0.5]),))
    assert "(2 invented start dates);" in two
