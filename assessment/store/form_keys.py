"""One-time form keys as stored: a post that creates something claims its form's key in the
same transaction, so the same form posted again (a double click, a resend, two tabs) finds the
key used and gets the first post's answer instead of creating anything twice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update

from assessment.extensions import db
from assessment.store.conflicts import insert_or_skip
from assessment.store.models import UsedFormKey, utcnow

KEPT_DAYS = 7  # a form left open longer than this is posted as new


def claim(key: str, user_id: int | None) -> bool:
    """Mark the key used by this request; False when another request used it first. On
    PostgreSQL a claim made by a request still running waits for it to end."""
    return insert_or_skip(UsedFormKey, {"key": key, "user_id": user_id, "used_at": utcnow(),
                                        "location": "", "message": "", "category": ""},
                          unique_on=["key"])


def used(key: str) -> UsedFormKey | None:
    """The key's row as committed now (not as this session first saw it)."""
    return db.session.scalar(select(UsedFormKey).where(UsedFormKey.key == key)
                             .execution_options(populate_existing=True))


def remember(key: str, location: str, message: str, category: str) -> None:
    """Keep the answer a post gave, for the same form posted again."""
    db.session.execute(update(UsedFormKey).where(UsedFormKey.key == key).values(
        location=location[:500], message=message[:500], category=category[:20]))


def forget_before(moment: dt.datetime) -> int:
    """Drop keys used before the moment; how many."""
    result = db.session.execute(delete(UsedFormKey).where(UsedFormKey.used_at < moment))
    return result.rowcount  # type: ignore[attr-defined]
