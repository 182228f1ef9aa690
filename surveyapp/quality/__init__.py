"""Data quality: flags on suspicious responses, and excluding a response with a reason."""
