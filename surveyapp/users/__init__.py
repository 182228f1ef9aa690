"""The administrator's pages for staff accounts."""
