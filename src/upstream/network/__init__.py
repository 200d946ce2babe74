"""Networks (Curtail 1): people linked by recorded evidence, and what the links show.

Pure analysis, frames in and tables out: :mod:`~upstream.network.links` (evidence links and
their ageing), :mod:`~upstream.network.people` (the person frame),
:mod:`~upstream.network.graph` (the networkx graph), :mod:`~upstream.network.analysis`
(groups, brokers, overlap, exposure, exploitation, violence between groups),
:mod:`~upstream.network.lists` (lists with safeguards) and :mod:`~upstream.network.audit`
(the disproportionality audit every list carries). Nothing here reads the case store or
serves a page: those callers hand frames in.
"""

from upstream.network.errors import NetworkInputError

__all__ = ["NetworkInputError"]
