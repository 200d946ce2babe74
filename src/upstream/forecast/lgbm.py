"""Gradient-boosted Poisson regression on multi-scale lagged counts (upstream's own model).

Ke, G. et al. (2017). LightGBM: a highly efficient gradient boosting decision tree.
*Advances in Neural Information Processing Systems* 30.

For every unit and month, the
features of :mod:`upstream.forecast.features` describe what happened before that month at
the unit, its neighbourhood rings, its LSOA and the whole area, together with fixed
covariates; a LightGBM model with a Poisson objective learns the expected count (or harm)
of the month from them. Training rows are the last ``train_months`` months of the history
(each with features from the months before it); the forecast applies the model to the
features of the month after ``until``. Nothing random is left unseeded: ``random_state``
seeds the row and feature sampling and LightGBM runs in its deterministic mode.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from upstream.forecast.base import BaseForecaster, History, recent_total
from upstream.forecast.features import FeatureBuilder

__all__ = ["LightGBMPoisson"]


class LightGBMPoisson(BaseForecaster):
    """LightGBM with a Poisson objective on lagged counts and covariates.

    Parameters
    ----------
    n_estimators, learning_rate, num_leaves, min_child_samples, subsample, colsample
        LightGBM settings (trees, shrinkage, leaves per tree, rows per leaf, row and
        feature sampling); the defaults were chosen on the validation window
        (:mod:`upstream.forecast.registry`).
    train_months
        How many of the latest months are training targets.
    context
        Use the counts of non-target events (other crime types) as features.
    random_state
        Seed of the sampling.
    n_jobs
        Threads LightGBM may use. None: one thread below 200,000 training rows (a borough),
        else two. Small problems gain nothing from threads, and LightGBM's threads wait by
        spinning, which on a busy two-core machine slows a small fit a hundredfold. The
        choice depends only on the data, so results stay reproducible.
    target
        ``"count"`` or ``"harm"``.
    """

    name = "lgbm"
    paper = "Ke et al. (2017), NeurIPS 30 (LightGBM), Poisson objective on lagged counts"
    baseline = False

    def __init__(
        self,
        *,
        n_estimators: int = 300,
        learning_rate: float = 0.03,
        num_leaves: int = 31,
        min_child_samples: int = 50,
        subsample: float = 0.8,
        colsample: float = 0.8,
        train_months: int = 12,
        context: bool = True,
        random_state: int = 0,
        n_jobs: int | None = None,
        target: str = "count",
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample = colsample
        self.train_months = train_months
        self.context = context
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.target = target

    def _fit(self, history: History) -> None:
        import lightgbm as lgb

        context = history.context if self.context else np.zeros_like(history.context)
        # harm values are scaled to "events of mean harm" so Poisson settings suit both
        value = history.events["value"].to_numpy(dtype="float64")
        self.scale_ = float(value.mean()) if value.size else 1.0
        counts = history.counts / self.scale_
        builder = FeatureBuilder(self.units_, counts, context, history.months[0])
        T = history.n_months
        first = max(1, T - self.train_months)
        frames = [builder.table(m) for m in range(first, T)]
        self.fallback_ = not frames or float(counts[first:T].sum()) == 0.0
        if self.fallback_:
            # too little history to learn from: the mean of what there is
            self.rate_ = history.counts.mean(axis=0)
            return
        X = pd.concat(frames, ignore_index=True)
        y = counts[first:T].ravel()
        threads = self.n_jobs or (1 if len(X) < 200_000 else 2)
        model = lgb.LGBMRegressor(
            objective="poisson",
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            subsample=self.subsample,
            subsample_freq=1,
            colsample_bytree=self.colsample,
            reg_lambda=1.0,
            random_state=self.random_state,
            n_jobs=threads,
            deterministic=True,
            force_row_wise=True,
            verbose=-1,
        )
        model.fit(X, y)
        self.model_ = model
        self.feature_names_ = list(X.columns)
        self.rate_ = np.asarray(model.predict(builder.table(T))) * self.scale_
        self.total_ = recent_total(history)

    def _predict(self, months: int) -> np.ndarray:
        return np.asarray(self.rate_ * months)
