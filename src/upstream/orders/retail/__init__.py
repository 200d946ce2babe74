"""Knife retailers: the premises register, test purchases, follow-ups, re-tests, compliance
and the prioritisation map.

It lives in the case store's database and shares its users, sessions and audit log, under
its own deny-by-default policy. Modules: ``vocab`` (premises types, age bands, results,
follow-ups), ``models`` (tables), ``access`` (policy), ``schemas``, ``service`` (use cases:
register, history, import, record a test purchase or follow-up, compliance records),
``schedule`` (re-test rules and the due list, pure), ``compliance`` (rates with exact
intervals, pure), ``priority`` (the score and its parts, pure), ``areadata`` (schools and
police.uk weapons crimes for the map), ``registerfile`` (the CSV or XLSX register),
``demo`` (SYNTHETIC premises, labelled demo), ``commands`` (``upstream retail``).
"""

__all__: list[str] = []
