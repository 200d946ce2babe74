"""Forecasting where serious violence will happen next month, and honest backtests of it.

``base`` (the Forecaster protocol and the leakage-safe base class), ``registry`` (the single
list of methods), one module per method (``naive``, ``retrospective``, ``prospective``,
``kde``, ``sepp``, ``sepp_grid``, ``lgbm``, ``ensemble``), ``metrics`` (hit rate, PAI, PEI,
harm capture), ``backtest`` (rolling origin), ``data`` (units and events), ``panel`` (published
counts per area and month as events), ``summary`` (page and report data).
Importing this package stays light: modules are imported where they are used.
"""

__all__: list[str] = []
