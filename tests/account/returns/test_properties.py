"""Invariants of the returns store, over many generated returns (hypothesis)."""

from __future__ import annotations

import csv
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upstream.account.returns import ingest_returns, load_returns
from upstream.account.returns.schema import AGE_BANDS
from upstream.config import Settings
from upstream.ingest import discover
from upstream.vocab import ETHNICITIES, SEXES

HEADER = ["programme", "provider", "quarter", "measure", "category", "value"]


def _rows(seed: int, programmes: int, quarters: int) -> list[list[object]]:
    rng = np.random.default_rng(seed)
    out: list[list[object]] = []
    for p in range(programmes):
        for q in range(quarters):
            key = [f"prog_{p}", f"Provider {p}", f"2024Q{q + 1}"]
            n = int(rng.integers(0, 300))
            ete = int(rng.integers(0, n + 1))
            out += [[*key, m, "", int(rng.integers(0, 99))] for m in ("sessions", "referrals_in")]
            out += [[*key, "referrals_out", "", 1], [*key, "participants", "", n]]
            out.append([*key, "ete_starts", "", ete])
            for measure, cats in (
                ("participants_age", AGE_BANDS),
                ("participants_sex", SEXES),
                ("participants_ethnicity", ETHNICITIES),
                ("participants_area", ("E01004336", "E01004337", "outside", "unknown")),
            ):
                counts = rng.multinomial(n, np.full(len(cats), 1 / len(cats)))
                out += [[*key, measure, c, int(k)] for c, k in zip(cats, counts, strict=True) if k]
    order = rng.permutation(len(out))  # rows in any order
    return [out[i] for i in order]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1), programmes=st.integers(1, 3), quarters=st.integers(1, 4))
def test_import_round_trips_and_is_idempotent(
    tmp_path: Path, seed: int, programmes: int, quarters: int
) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    rows = _rows(seed, programmes, quarters)
    path = folder / "returns.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([HEADER, *rows])
    inputs, _ = discover([path], police_uk=False)
    data = Settings(data_dir=folder / "var")
    kw = {"quarantine_dir": data.quarantine_dir, "today": date(2026, 1, 1)}
    ingest_returns(inputs, data.data_dir, **kw)
    first = load_returns(data).drop(columns="ingested_at")
    sent = sorted((str(r[0]), str(r[2]), str(r[3]), str(r[4]), int(r[5])) for r in rows)
    kept = sorted(
        first[["programme", "quarter", "measure", "category", "value"]].itertuples(
            index=False, name=None
        )
    )
    assert kept == sent
    result = ingest_returns(inputs, data.data_dir, **kw)
    assert len(result.replaced) == programmes * quarters
    again = load_returns(data).drop(columns="ingested_at")
    assert again.equals(first)
