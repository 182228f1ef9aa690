"""Indicator table templates and example funds sheets: this package only holds data files."""
