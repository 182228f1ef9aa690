"""The evaluator's side: the statistics table, its charts and breakdowns, weight schemes, exports."""
