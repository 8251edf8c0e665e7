"""The database: models, queries, the read model, and state changes as verbs.

Functions here flush and never commit; a view or a command commits once per request.
"""
