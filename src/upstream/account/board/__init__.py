"""The partnership board's quarterly pack (``upstream board-pack`` and ``/board``).

* :mod:`~upstream.account.board.quarter`: ``YYYYQn`` and its months;
* :mod:`~upstream.account.board.urgent`: the case tool's urgent-response totals (aggregates);
* :mod:`~upstream.account.board.sections`: one function per item, data and reading;
* :mod:`~upstream.account.board.pack`: the quarter's pack, every item in order;
* :mod:`~upstream.account.board.render`: the HTML (``templates/pack.html``);
* :mod:`~upstream.account.board.pdf`: the same HTML printed by a local Chromium, offline;
* :mod:`~upstream.account.board.access`: who may read it on the web (deny by default).
"""

__all__: list[str] = []
