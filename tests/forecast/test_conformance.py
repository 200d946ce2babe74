"""One conformance suite over every registered forecaster (scikit-learn's estimator rules)."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

from upstream.forecast.base import BaseForecaster, Forecaster, ForecastError
from upstream.forecast.data import Units
from upstream.forecast.registry import BASELINES, DEFAULT_METHOD, METHODS, make

NAMES = list(METHODS)


@pytest.fixture(scope="module")
def history(wf_events: pd.DataFrame) -> pd.DataFrame:
    """Eight months of the real data (2016-04..2016-11), all crime types."""
    return wf_events[wf_events["month"] <= "2016-11"].reset_index(drop=True)


def test_registry_is_the_single_list() -> None:
    assert NAMES == [
        "naive",
        "retrospective",
        "prospective",
        "kde",
        "sepp",
        "sepp-grid",
        "lgbm",
        "ensemble",
    ]
    assert DEFAULT_METHOD in METHODS and DEFAULT_METHOD not in BASELINES
    assert set(BASELINES) == {"naive", "retrospective", "prospective", "kde", "sepp", "sepp-grid"}
    for method in METHODS.values():
        assert method.paper, f"{method.name} must cite its paper"
        assert method.cls.__module__.startswith("upstream.forecast.")
    with pytest.raises(ValueError, match="unknown method"):
        make("crystal-ball")


@pytest.mark.parametrize("name", NAMES)
def test_the_registered_settings_are_the_class_defaults(name: str) -> None:
    """One place for a method's settings: constructing the class gives the registered one."""
    method = METHODS[name]
    assert method.cls().get_params() == make(name).get_params()
    assert {k: v for k, v in make(name).get_params().items() if k != "target"} == method.params


def test_the_chosen_settings_are_the_defaults() -> None:
    """The values the registry's docstring says were chosen on the validation window."""
    from upstream.forecast.ensemble import Ensemble
    from upstream.forecast.kde import KDE
    from upstream.forecast.lgbm import LightGBMPoisson
    from upstream.forecast.prospective import Prospective

    assert (Prospective().bandwidth, Prospective().months) == (100.0, 6)
    assert KDE().bandwidth == 150.0
    assert (LightGBMPoisson().num_leaves, LightGBMPoisson().min_child_samples) == (31, 50)
    assert Ensemble().members == ("lgbm", "naive", "sepp")


@pytest.mark.parametrize("name", NAMES)
def test_constructor_takes_keyword_only_hyper_parameters(name: str) -> None:
    cls = METHODS[name].cls
    params = inspect.signature(cls.__init__).parameters
    for p in list(params.values())[1:]:
        assert p.kind is inspect.Parameter.KEYWORD_ONLY, f"{name}.{p.name}"
        assert p.default is not inspect.Parameter.empty, f"{name}.{p.name} needs a default"
    assert "target" in params


@pytest.mark.parametrize("name", NAMES)
def test_init_only_stores_parameters(name: str) -> None:
    cls = METHODS[name].cls
    # nonsense values are stored as given, not checked or transformed in __init__
    sentinel = object()
    names = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    forecaster = cls(**{p: sentinel for p in names})
    assert all(getattr(forecaster, p) is sentinel for p in names)
    assert set(vars(forecaster)) == set(names)
    fresh = make(name)
    assert fresh.get_params() == {**fresh.get_params(), **METHODS[name].params}
    assert fresh.clone().get_params() == fresh.get_params()
    with pytest.raises(ValueError):
        fresh.set_params(no_such_setting=1)


@pytest.mark.parametrize("name", NAMES)
def test_predict_before_fit_is_refused(name: str) -> None:
    with pytest.raises(ForecastError, match="not fitted"):
        make(name).predict()


@pytest.mark.parametrize("name", NAMES)
def test_fit_learns_only_underscore_attributes_and_predicts_every_unit(
    name: str, history: pd.DataFrame, wf_grid: Units
) -> None:
    forecaster = make(name)
    before = dict(vars(forecaster))
    assert isinstance(forecaster, Forecaster)
    assert forecaster.fit(history, wf_grid, "2016-11") is forecaster
    learned = set(vars(forecaster)) - set(before)
    assert learned and all(a.endswith("_") for a in learned), sorted(learned)
    assert {k: vars(forecaster)[k] for k in before} == before  # parameters untouched
    pred = forecaster.predict()
    assert pred.name == "score" and pred.index.name == "cell_id"
    assert np.array_equal(pred.index.to_numpy(), wf_grid.ids)
    assert np.isfinite(pred).all() and (pred >= 0).all()
    # expected counts: about one month's serious violence in total (~585)
    assert 300 < pred.sum() < 900
    two = forecaster.predict(months=2)
    # two months: more than one, at most twice (SEPP's triggering fades over the horizon)
    assert pred.sum() < two.sum() <= 2 * pred.sum() * (1 + 1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_deterministic(name: str, history: pd.DataFrame, wf_grid: Units) -> None:
    a = make(name).fit(history, wf_grid, "2016-11").predict()
    b = make(name).fit(history.sample(frac=1.0, random_state=1), wf_grid, "2016-11").predict()
    pd.testing.assert_series_equal(a, b, check_exact=False, rtol=1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_no_leakage_from_months_after_until(
    name: str, wf_events: pd.DataFrame, wf_grid: Units
) -> None:
    """Fit with until=M: identical whether or not M+1 (and later) is in the input."""
    upto = wf_events[wf_events["month"] <= "2016-11"]
    more = wf_events[wf_events["month"] <= "2017-03"]
    # the future is also made wildly different, so any use of it would show
    future = more[more["month"] > "2016-11"].copy()
    future["x"] = future["x"].to_numpy()[::-1]
    more = pd.concat([upto, future, future], ignore_index=True)
    a = make(name).fit(upto, wf_grid, "2016-11").predict()
    b = make(name).fit(more, wf_grid, "2016-11").predict()
    pd.testing.assert_series_equal(a, b, check_exact=False, rtol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_harm_target_gives_expected_harm(name: str, history: pd.DataFrame, wf_grid: Units) -> None:
    counts = make(name).fit(history, wf_grid, "2016-11").predict()
    harm = make(name, target="harm").fit(history, wf_grid, "2016-11").predict()
    # harm weights of serious violence are 30-100 per crime: totals scale accordingly
    assert 30 * counts.sum() < harm.sum() < 100 * counts.sum()


def test_unknown_target_and_missing_columns_are_refused(
    history: pd.DataFrame, wf_grid: Units
) -> None:
    with pytest.raises(ForecastError, match="target"):
        make("naive", target="vibes").fit(history, wf_grid, "2016-11")
    with pytest.raises(ForecastError, match="harm"):
        make("naive", target="harm").fit(history.drop(columns="harm"), wf_grid, "2016-11")
    with pytest.raises(ForecastError, match="no target events"):
        make("naive").fit(history, wf_grid, "2010-01")
    assert issubclass(METHODS["lgbm"].cls, BaseForecaster)
