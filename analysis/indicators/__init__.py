"""The evaluation indicator table (绩效评价指标体系): model, scoring rules, templates, grades.

>>> from analysis.indicators import bundled_template, load_indicator_table, summary_table
>>> table = load_indicator_table(bundled_template("kunming-2022-pension-subsidy"))
>>> print(summary_table(table).loc[3, ["item", "score"]].to_list(), table.grade)
['合计', Decimal('95.20')] 优
"""

from analysis.indicators.grades import DEFAULT_GRADES, GradeBand, check_grades, grade_for
from analysis.indicators.model import (
    DEFAULT_BANDS,
    MAX_LEVELS,
    Band,
    Indicator,
    IndicatorGroup,
    IndicatorTable,
    IndicatorType,
    Measure,
    Node,
    Target,
    iter_leaves,
    iter_nodes,
    parse_measure,
    parse_target,
)
from analysis.indicators.rules import (
    MEASURED_RULES,
    RULES,
    register_rule,
    replace_indicator,
    score_indicator,
    score_table,
    set_actual,
)
from analysis.indicators.summary import (
    FLAT_HEADINGS,
    SUMMARY_HEADINGS,
    as_dict,
    flat_table,
    summary_table,
)
from analysis.indicators.templates import (
    IndicatorTableError,
    bundled_template,
    load_indicator_table,
)

__all__ = [
    "DEFAULT_BANDS",
    "DEFAULT_GRADES",
    "FLAT_HEADINGS",
    "MAX_LEVELS",
    "MEASURED_RULES",
    "RULES",
    "SUMMARY_HEADINGS",
    "Band",
    "GradeBand",
    "Indicator",
    "IndicatorGroup",
    "IndicatorTable",
    "IndicatorTableError",
    "IndicatorType",
    "Measure",
    "Node",
    "Target",
    "as_dict",
    "bundled_template",
    "check_grades",
    "flat_table",
    "grade_for",
    "iter_leaves",
    "iter_nodes",
    "load_indicator_table",
    "parse_measure",
    "parse_target",
    "register_rule",
    "replace_indicator",
    "score_indicator",
    "score_table",
    "set_actual",
    "summary_table",
]
