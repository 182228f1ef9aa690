"""Staff accounts for these tests."""

from tests.accounts.conftest import make_user  # noqa: F401 (a fixture)
