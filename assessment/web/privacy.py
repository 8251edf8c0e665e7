"""What people outside a team never see of it: the email addresses of the people in it."""

from __future__ import annotations

import re
from typing import Any

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
# A reserved top-level domain: these addresses can never reach anyone.
ALIAS_DOMAIN = "demo.invalid"


def without_emails(data: Any, aliases: dict[str, str] | None = None) -> Any:
    """The data with every value that is an email address replaced by a stand-in, the same
    stand-in for the same address (so who answered what still lines up)."""
    aliases = {} if aliases is None else aliases
    if isinstance(data, str):
        if not _EMAIL.fullmatch(data):
            return data
        return aliases.setdefault(data, f"person-{len(aliases) + 1}@{ALIAS_DOMAIN}")
    if isinstance(data, dict):
        return {key: without_emails(value, aliases) for key, value in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # a named tuple
        return type(data)(*(without_emails(value, aliases) for value in data))
    if isinstance(data, (list, tuple)):
        return type(data)(without_emails(value, aliases) for value in data)
    return data
