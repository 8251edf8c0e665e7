"""The improvement plan: its content as plain data, the PDF, the cache and the CSV of actions."""
