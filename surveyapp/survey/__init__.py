"""The public form that respondents answer."""
