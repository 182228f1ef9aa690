"""Scoring campaigns: counting in the database, the statistics table in ``analysis``."""
