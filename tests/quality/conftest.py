"""Fixtures of the data-quality tests: the report's campaign and staff users."""

from tests.accounts.conftest import make_user
from tests.scoring.conftest import report_campaign

__all__ = ["make_user", "report_campaign"]
