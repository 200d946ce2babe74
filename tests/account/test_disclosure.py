"""Statistical disclosure control: hand-worked tables, the audit, and its properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from upstream.account.disclosure import (
    SUPPRESSED,
    DisclosureRule,
    Line,
    determined,
    exposed_lines,
    secondary_suppression,
    show,
    suppress_counts,
    suppress_one_way,
    suppress_two_way,
)


def _grid(mask: np.ndarray) -> list[str]:
    """A mask as rows of '#' (suppressed) and '.', for readable expectations."""
    return ["".join("#" if v else "." for v in row) for row in mask]


def test_primary_suppression_is_1_to_9_and_never_zero() -> None:
    s = suppress_counts([0, 1, 5, 9, 10, 11, 250])
    assert s.suppressed.tolist() == [False, True, True, True, False, False, False]
    assert s.published() == [0, None, None, None, 10, 11, 250]
    assert not s.secondary.any()


def test_the_threshold_is_configurable() -> None:
    rule = DisclosureRule(min_count=6)  # NHS secondary-care style: 1 to 5
    assert suppress_counts([0, 5, 6], rule).suppressed.tolist() == [False, True, False]
    with pytest.raises(ValueError, match="at least 1"):
        DisclosureRule(min_count=0)


def test_counts_must_be_whole_and_not_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        suppress_one_way([3, -1])
    with pytest.raises(ValueError, match="whole"):
        suppress_one_way([3.5, 20])
    with pytest.raises(ValueError, match="2-dimensional"):
        suppress_two_way([1, 2, 3])


def test_one_way_small_cell_gets_a_complement() -> None:
    # 4 alone would be total - 30 - 12 - 0 = 4: the smallest non-zero other (12) goes too
    s = suppress_one_way([4, 30, 12, 0])
    assert s.values.tolist() == [4, 30, 12, 0, 46]
    assert s.published() == [None, 30, None, 0, 46]
    assert s.primary.tolist() == [True, False, False, False, False]
    assert s.secondary.tolist() == [False, False, True, False, False]


def test_one_way_ties_break_by_position_and_two_small_cells_need_nothing() -> None:
    assert suppress_one_way([3, 15, 15]).published() == [None, None, 15, 33]
    assert suppress_one_way([3, 4, 40]).published() == [None, None, 40, 47]


def test_a_small_total_is_suppressed_with_its_cells() -> None:
    s = suppress_one_way([2, 0, 5])
    assert s.published() == [None, 0, None, None]
    # a total of 1-9 hides a single non-zero cell: no complement is needed
    assert suppress_one_way([0, 7]).published() == [0, None, None]


def test_two_way_hand_worked() -> None:
    # cells            totals
    #  3  12  20   |  35
    # 15  14  30   |  59
    # 40  25  11   |  76
    # 58  51  61   | 170
    s = suppress_two_way([[3, 12, 20], [15, 14, 30], [40, 25, 11]])
    assert s.values[:, -1].tolist() == [35, 59, 76, 170]
    # 3 is small; row 0's smallest other is 12, column 0's is 15; then row 1 has only 15
    # hidden, so 14 (its smallest) goes, which also leaves column 1 with two hidden
    assert _grid(s.primary) == ["#...", "....", "....", "...."]
    assert _grid(s.suppressed) == ["##..", "##..", "....", "...."]
    assert exposed_lines(s.suppressed, s.lines) == []
    assert not determined(s.suppressed, s.lines).any()


def test_two_way_small_margin_is_suppressed_and_protected() -> None:
    #  2   3 |  5      primary: 2, 3, 4 and the totals 5 and 7
    # 20   4 | 24      row 1 then holds only 4 hidden: 20 goes; the total row only 7: 22
    # 22   7 | 29      goes; the total column only 5: 24 goes. Only the grand total is left.
    s = suppress_two_way([[2, 3], [20, 4]])
    assert s.published() == [[None, None, None], [None, None, None], [None, None, 29]]
    assert _grid(s.secondary) == ["...", "#.#", "#.."]
    assert exposed_lines(s.suppressed, s.lines) == []
    assert not determined(s.suppressed, s.lines).any()


def test_zero_table_and_big_table_publish_everything() -> None:
    assert not suppress_two_way(np.zeros((3, 4), dtype=int)).suppressed.any()
    assert not suppress_two_way(np.full((3, 4), 10)).suppressed.any()


def test_the_linear_audit_finds_a_value_no_single_line_gives_away() -> None:
    # two cycles of hidden cells joined by one hidden cell (1, 2): every row and column has
    # two or more hidden values, yet rows 0-1 minus columns 0-1 leave (1, 2) alone
    size = 4
    lines = suppress_two_way(np.full((size, size), 20)).lines
    mask = np.zeros((size + 1, size + 1), dtype=bool)
    for i, j in [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 2), (2, 3), (3, 2), (3, 3)]:
        mask[i, j] = True
    assert exposed_lines(mask, lines) == []
    assert _grid(determined(mask, lines)) == [".....", "..#..", ".....", ".....", "....."]
    # and secondary suppression keeps going until it is not
    fixed = secondary_suppression(np.full((size + 1, size + 1), 20), mask, lines)
    assert fixed[mask].all() and not determined(fixed, lines).any()


def test_determined_solves_exactly_when_one_line_has_one_unknown() -> None:
    line = Line((0, 1, 2), 3)
    assert determined([True, False, False, False], [line]).tolist() == [True, False, False, False]
    assert not determined([True, True, False, False], [line]).any()
    assert not determined([True, False, False, False], []).any()  # no total, nothing to solve


def test_show_hides_derived_values() -> None:
    assert show(12, False) == "12"
    assert show(1234, False) == "1,234"
    assert show(0.5, False, True, fmt="{:.2f}") == SUPPRESSED
    assert show(0.5, False, False, fmt="{:.2f}") == "0.50"


counts = st.integers(min_value=0, max_value=40)


@settings(max_examples=300, deadline=None)
@given(arrays(np.int64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=counts))
def test_two_way_property(table: np.ndarray) -> None:
    s = suppress_two_way(table)
    published = s.values[~s.suppressed]
    assert not ((published > 0) & (published < 10)).any(), "a published count is 1 to 9"
    assert s.suppressed[np.where((s.values > 0) & (s.values < 10))].all()
    # no row or column with exactly one unknown, and no combination of them either
    assert exposed_lines(s.suppressed, s.lines) == []
    assert not determined(s.suppressed, s.lines).any()
    # the primary cells are all still hidden, and complements are never zero cells unless
    # nothing else was left
    assert (s.suppressed >= s.primary).all()
    assert (s.values[s.secondary] > 0).all()


@settings(max_examples=300, deadline=None)
@given(st.lists(counts, min_size=1, max_size=12))
def test_one_way_property(cells: list[int]) -> None:
    s = suppress_one_way(cells)
    hidden = s.suppressed
    values = s.values
    assert not ((values > 0) & (values < 10) & ~hidden).any()
    assert int(hidden.sum()) != 1, "one hidden value in a line is its total minus the rest"
    # the total is suppressed only when it is itself small
    assert hidden[-1] == (0 < values[-1] < 10)


def test_values_published_before_are_never_picked_as_complements() -> None:
    # one row: 3 + 20 + 30 = 53; without history the smallest other member (20) is picked
    values = np.array([3, 20, 30, 53])
    line = (Line((0, 1, 2), 3),)
    primary = np.array([True, False, False, False])
    assert secondary_suppression(values, primary, line).tolist() == [True, True, False, False]
    # 20 was published before: it is public for good, so 30 is hidden instead
    fixed = np.array([False, True, False, False])
    hidden = secondary_suppression(values, primary, line, fixed=fixed)
    assert hidden.tolist() == [True, False, True, False]
    assert not determined(hidden, line).any()


def test_a_value_its_published_history_gives_away_cannot_be_protected() -> None:
    values = np.array([3, 20, 30, 53])
    line = (Line((0, 1, 2), 3),)
    primary = np.array([True, False, False, False])
    with pytest.raises(ValueError, match="published before"):
        secondary_suppression(values, primary, line, fixed=np.array([False, True, True, True]))
