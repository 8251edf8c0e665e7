"""The rules as pure functions and frozen types.

The questionnaire, scoring, consensus, peers, comparison, progress and chart geometry.
No Flask, no database: nothing here imports from the rest of the package.
"""
