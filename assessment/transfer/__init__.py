"""Export and import: a team or one assessment as a versioned JSON file (docs/export-format.md),
and as CSV for spreadsheets.

document.py     the file's contents as frozen dataclasses, and those as JSON-ready data (pure)
parsing.py      bytes from outside → a checked Document, or a TransferError naming the place (pure)
checking.py     a Document against the questionnaire versions it was answered on (pure)
exporting.py    the database → a Document, in a fixed number of queries
importing.py    a checked Document → new rows (flushes; the caller commits once)
spreadsheets.py answers and scores as CSV (pure)
"""
