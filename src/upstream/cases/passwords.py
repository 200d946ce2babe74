"""The password rules: long, not common, not guessable, not the username.

A password must be 12 to 256 characters, must not contain the username, must not be one of the
30,000 most common passwords (the list bundled with the zxcvbn package, compared without
regard to case and to the digits and symbols people add at the ends, so ``Password123!`` is
``password``), and zxcvbn must rate it at least 3 of 4 ("safely unguessable") given the
username and the product's own words. Refusals say which rule failed, never the password.
"""

from __future__ import annotations

import re
from functools import cache

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

__all__ = ["MIN_LENGTH", "MIN_SCORE", "WeakPassword", "check_password"]

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_SCORE = 3
_ZXCVBN_MAX = 72  # zxcvbn's own limit; longer passwords are judged on their first 72
_PRODUCT_WORDS = ("upstream", "violence", "partnership", "safety", "london", "cases")
_DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")


class WeakPassword(ValueError):
    """A password that breaks a rule; the message says which."""


@cache
def _common() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def _is_common(password: str) -> bool:
    folded = password.casefold()
    core = _DECORATION.sub("", folded)
    return folded in _common() or (len(core) >= 4 and core in _common())


def check_password(password: str, username: str) -> None:
    """Raise :class:`WeakPassword` unless ``password`` keeps every rule for ``username``."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"password: use at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"password: use at most {MAX_LENGTH} characters")
    if len(username) >= 3 and username.casefold() in password.casefold():
        raise WeakPassword("password: it must not contain the username")
    if _is_common(password):
        raise WeakPassword("password: it is one of the most common passwords; choose another")
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=[username, *_PRODUCT_WORDS])
    if result["score"] < MIN_SCORE:
        hint = result["feedback"].get("warning") or "it would be quick to guess"
        raise WeakPassword(
            f"password: too easy to guess ({hint.rstrip('.').lower()}); a few unrelated words "
            "make a strong one"
        )
