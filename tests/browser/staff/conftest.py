"""Staff accounts for the browser tests of the staff pages."""

from tests.accounts.conftest import make_user  # noqa: F401 (a fixture)
