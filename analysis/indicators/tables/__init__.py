"""Indicator tables shipped as data: the templates (``*.yaml``) and the report's funds sheet (CSV).

``analysis.indicators.bundled_template`` finds a template here by its id; the funds sheet
``kunming-2022-funds.csv`` is the source report's 使用情况表, an example of what the funds
import reads. This package holds data files only.
"""
