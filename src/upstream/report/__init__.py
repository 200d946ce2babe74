"""Offline reports: the strategic profile as one self-contained HTML file.

See :mod:`upstream.report.profile`.
"""

from upstream.report.profile import build_profile, render_html, render_sections, write_report

__all__ = ["build_profile", "render_html", "render_sections", "write_report"]
