"""The demo stores (what ``make run`` loads) for the default baseline's tests."""

from tests.account.outcomes.conftest import demo_settings  # noqa: F401 (a fixture)
