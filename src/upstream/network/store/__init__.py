"""Networks wired to the case store: evidence links, produced lists and the people on them.

Unlike the rest of :mod:`upstream.network`, which is pure analysis on pseudonymous frames,
this package reads and writes the case store's database: its own tables
(:mod:`~upstream.network.store.models`), a deny-by-default policy
(:mod:`~upstream.network.store.access`), the frames built from case records
(:mod:`~upstream.network.store.links_from_cases`) and the audited use cases
(:mod:`~upstream.network.store.service`, :mod:`~upstream.network.store.lists_service`).
"""

__all__: list[str] = []
