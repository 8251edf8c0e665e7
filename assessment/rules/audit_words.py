"""The audit log in words: what happened, to which assessment (named by its date, never by an
internal number), who did it, and when in a named time zone.

Pure: no Flask, no database. The log stores each event's kind and a short detail
(store/audit.py); this module turns them into the sentences the owners' page shows, so events
logged before these words existed read the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from assessment.rules.wording import Dated, date_text

# How an event's detail names an assessment: "assessment 5", or "assessment 5: open".
_ASSESSMENT_REF = re.compile(r"\bassessment (\d+)\b")
DELETED_ASSESSMENT = "an assessment that no longer exists"
NOT_SIGNED_IN = "Someone who was not signed in"
COMMAND_LINE = "An operator, on the command line"

# Sentences for events about one assessment; {assessment} is its name, {rest} the detail after
# "assessment N" (for answers, the pillar before it). Other events read "<words>: <detail>".
_SENTENCES = {
    "assessment_finished": "Finished {assessment}",
    "assessment_reopened": "Reopened {assessment}",
    "assessment_opened: open": "Opened {assessment} to every member of the team",
    "assessment_opened: closed": "Let only owners answer {assessment}",
    "answers_saved": "Saved answers to {rest} in {assessment}",
    "targets_set": "Changed the targets of {assessment}: {rest}",
    "answer_validated": "Validated the answer to “{rest}” in {assessment}",
    "answer_challenged": "Challenged the answer to “{rest}” in {assessment}",
    "challenge_replied": "Replied to the challenge of the answer to “{rest}” in {assessment}",
    "challenged_answer_changed": "Changed the challenged answer to “{rest}” in {assessment}; "
                                 "it is self-reported again",
    "validated_answer_changed": "Changed the validated answer to “{rest}” in {assessment}; "
                                "it is self-reported again",
}


# Sentences for other events whose detail has a known shape (older events have the same one).
_PATTERNS = {
    "role_changed": (re.compile(r"^(?P<who>\S+): (?P<before>\w+) to (?P<after>\w+)$"),
                     "Changed the role of {who} from {before} to {after}"),
    # How someone signed in, when not by password ("by single sign-on with Login.gov", "with a
    # passkey"), or confirmed it was them (store/audit.py words the action).
    "sign_in": (re.compile(r"^(?P<how>(?:by|with) .+)$"), "Signed in {how}"),
    "sso_linked": (re.compile(r"^(?P<provider>.+)$"),
                   "Linked sign-in with {provider} to the account"),
    "sign_in_confirmed": (re.compile(r"^(?P<how>(?:with|by) .+)$"),
                          "Confirmed it was them {how}, before a change"),
}


def assessment_names(dates: Iterable[tuple[int, Dated]]) -> dict[int, str]:
    """Each assessment's name in the log: "the November 2026 assessment", by the one date
    rule (its latest finish, else its start); by the day when two share a month."""
    dated = list(dates)
    months: dict[str, int] = {}
    for _, d in dated:
        months[date_text(d.on, "month")] = months.get(date_text(d.on, "month"), 0) + 1
    return {
        assessment_id: "the {} assessment".format(
            date_text(d.on, "month") if months[date_text(d.on, "month")] == 1 else date_text(d.on))
        for assessment_id, d in dated
    }


def event_words(action: str, detail: str, words: Mapping[str, str],
                names: Mapping[int, str]) -> str:
    """What happened, in a sentence: "Finished the November 2026 assessment"."""
    match = _ASSESSMENT_REF.search(detail)
    if match:
        name = names.get(int(match.group(1)), DELETED_ASSESSMENT)
        before, after = detail[:match.start()].rstrip(", "), detail[match.end():].lstrip(": ")
        for key, rest in ((f"{action}: {after}", before), (action, after or before)):
            if key in _SENTENCES:
                return _SENTENCES[key].format(assessment=name, rest=rest)
        detail = _ASSESSMENT_REF.sub(lambda m: names.get(int(m.group(1)), DELETED_ASSESSMENT),
                                     detail)
    if action in _PATTERNS and (shaped := _PATTERNS[action][0].match(detail)):
        return _PATTERNS[action][1].format(**shaped.groupdict())
    said = words.get(action, action.replace("_", " ").capitalize())
    return f"{said}: {detail}" if detail else said


def target_changes(rows: Iterable[tuple[str, Decimal, dt.date | None, Decimal,
                                         dt.date | None]]) -> str:
    """The detail of a targets event: each pillar whose target or date changed, with what it
    was. Rows are (pillar name, target before, date before, target after, date after)."""
    def target(value: Decimal, by: dt.date | None) -> str:
        return f"{value} by {date_text(by)}" if by else f"{value}"
    return "; ".join(f"{name} {target(after, after_by)} (was {target(before, before_by)})"
                     for name, before, before_by, after, after_by in rows
                     if (before, before_by) != (after, after_by)) or "no change"


def who_words(email: str, detail: str) -> str:
    """Who did it: their email address as it was then, the command line, or nobody signed in
    (a visitor reading the demo team, or a sign-in with no address)."""
    if email:
        return email
    if detail.startswith("command line"):
        return COMMAND_LINE
    return NOT_SIGNED_IN


@dataclass(frozen=True)
class LocalTime:
    """A moment as the log shows it: in words in a named zone, and as ISO 8601 in UTC for
    the <time> element (which the browser may show in its own zone instead)."""

    words: str
    iso_utc: str


def local_time(at_utc: dt.datetime, zone: ZoneInfo) -> LocalTime:
    """`at_utc` is a naive UTC time, as stored: "Dec 1, 2026, 3:26:46 AM EST"."""
    at = at_utc.replace(tzinfo=dt.UTC)
    here = at.astimezone(zone)
    hour = here.hour % 12 or 12
    words = (f"{here:%b} {here.day}, {here.year}, {hour}:{here:%M:%S} "
             f"{'AM' if here.hour < 12 else 'PM'} {here.tzname()}")
    return LocalTime(words, at.strftime("%Y-%m-%dT%H:%M:%SZ"))
