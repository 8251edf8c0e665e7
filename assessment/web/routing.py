"""URL rules: ids in paths stay within what the database can hold."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

ID_MAX = 2**31 - 1  # the largest INTEGER in PostgreSQL; SQLite raises past 2**63 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` that does not match a number no row can have, so a huge id is a 404
    rather than an overflow in the database driver."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", ID_MAX)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Call before any blueprint is registered: rules read the converter when they are added."""
    app.url_map.converters["int"] = IdConverter
