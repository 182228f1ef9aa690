"""Importing responses collected elsewhere: paper questionnaires typed into a spreadsheet, other tools."""
