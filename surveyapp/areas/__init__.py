"""The tree of areas: Kunming's counties and districts preloaded, townships and villages added by hand."""
