"""Staff accounts for these tests."""

from tests.accounts.conftest import make_user

__all__ = ["make_user"]
