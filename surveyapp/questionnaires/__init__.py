"""Questionnaires as data: reading and checking files, storing versions, the question types."""
