"""The disclosure policy: the bundled safe default, and files that would loosen it refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from upstream.account.publish.policy import DEFAULT_POLICY, PolicyError, load_policy, round_to

SAFE = """
[counts]
threshold = {threshold}
rounding_base = {base}
secondary_suppression = {secondary}

[geography]
allowed = {allowed}

[sources]
open = {open}
"""


def write(tmp_path: Path, **changes: object) -> Path:
    values: dict[str, object] = {
        "threshold": 10,
        "base": 5,
        "secondary": "true",
        "allowed": '["msoa", "borough"]',
        "open": '["police_uk_street"]',
    }
    values.update(changes)
    path = tmp_path / "policy.toml"
    path.write_text(SAFE.format(**values), encoding="utf-8")
    return path


def test_the_bundled_default_is_the_safe_policy() -> None:
    p = DEFAULT_POLICY
    assert (p.threshold, p.rounding_base, p.secondary_suppression) == (10, 5, True)
    assert p.geographies == ("msoa", "borough") and p.open_sources == {"police_uk_street"}
    assert load_policy() == p


def test_a_stricter_policy_is_accepted(tmp_path: Path) -> None:
    p = load_policy(write(tmp_path, threshold=20, base=10, allowed='["borough"]', open="[]"))
    assert (p.threshold, p.rounding_base, p.geographies, p.open_sources) == (
        20, 10, ("borough",), frozenset()
    )  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "key", "why"),
    [
        ({"threshold": 5}, "[counts] threshold", "would publish counts from 5 to 9"),
        ({"threshold": 12}, "[counts] rounding_base", "publish a count of 12 as 10"),
        ({"base": 3}, "[counts] rounding_base", "not a positive multiple of 5"),
        ({"base": 0}, "[counts] rounding_base", "not a positive multiple of 5"),
        ({"threshold": 10, "base": 25}, "[counts] rounding_base", "as 0, below the threshold"),
        ({"secondary": "false"}, "[counts] secondary_suppression", "worked out from totals"),
        ({"threshold": '"10"'}, "[counts] threshold", "must be a whole number"),
        ({"allowed": '["lsoa"]'}, "[geography] allowed", "no finer than ward or MSOA"),
        ({"allowed": "[]"}, "[geography] allowed", "non-empty list"),
        (
            {"open": '["incidents_police"]'},
            "[sources] open",
            "is partnership data: publishing it as it is would publish counts below",
        ),
    ],
)
def test_a_policy_that_would_publish_small_counts_is_refused(
    tmp_path: Path, changes: dict[str, object], key: str, why: str
) -> None:
    path = write(tmp_path, **changes)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: ") and why in message
    assert "\n" not in message


def test_unknown_and_missing_keys_and_bad_toml_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path)
    path.write_text(path.read_text() + "\n[extra]\nx = 1\n")
    with pytest.raises(PolicyError, match=r"policy.toml: \[extra\]: unknown section"):
        load_policy(path)
    path.write_text(SAFE.replace("rounding_base = {base}\n", "").format(
        threshold=10, secondary="true", allowed='["msoa"]', open="[]"))  # fmt: skip
    with pytest.raises(PolicyError, match=r"\[counts\] rounding_base: missing key"):
        load_policy(path)
    path.write_text("[counts\n")
    with pytest.raises(PolicyError, match=r"policy\.toml: not valid TOML"):
        load_policy(path)
    with pytest.raises(PolicyError, match=r"missing\.toml: cannot be read"):
        load_policy(tmp_path / "missing.toml")


@pytest.mark.parametrize(
    ("value", "rounded"), [(0, 0), (10, 10), (12, 10), (13, 15), (17, 15), (18, 20), (1234, 1235)]
)
def test_rounding_to_five_rounds_halves_up(value: int, rounded: int) -> None:
    assert round_to(value, 5) == rounded
