"""Evaluation indicator tables (绩效评价指标体系): stored, edited, fed by the survey, exported."""
