"""Questionnaires shipped with surveyapp, as data files (YAML)."""
