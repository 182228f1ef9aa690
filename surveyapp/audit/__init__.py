"""The audit log: ``record(action, target, **details)`` from any service; administrators read it."""

from surveyapp.audit.services import record

__all__ = ["record"]
