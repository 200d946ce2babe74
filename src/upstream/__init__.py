"""upstream: analysis, prediction and case coordination for violence-reduction partnerships."""

__all__ = ["__version__"]

__version__ = "0.1.0"
