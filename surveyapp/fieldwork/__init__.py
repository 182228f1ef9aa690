"""Field staff enter interviews and paper questionnaires of their area."""
