"""The area tests share the web tests' store of the bundled data (built once a session)."""

from tests.web.conftest import bundled_settings  # noqa: F401
