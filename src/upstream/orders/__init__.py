"""Curtail: court orders and injunctions with breach monitoring (this package), and
knife-retailer test purchases (:mod:`upstream.orders.retail`). Both live in the secure case
store under its one access policy and append-only audit."""
