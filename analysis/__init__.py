"""Scoring and reports: pure functions over pandas DataFrames.

Nothing here imports Flask or the web application.
"""
