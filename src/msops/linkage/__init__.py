"""Cross-force resolution of nominals: preparation, the Splink model, clustering, evaluation.

Only this package imports Splink (and within it only `matcher.py`).
"""
