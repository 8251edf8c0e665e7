"""Random posts and random files sent to the import page: never a 5xx, and a refused import
stores nothing. (tests/test_fuzzing.py posts random forms; these add random files.)"""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from assessment.extensions import db
from tests.conftest import sign_in_as
from tests.test_authorization import token_for
from tests.test_fuzzing import FORMS, snapshot

LEAF_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10), st.text(max_size=20),
    st.sampled_from(["", "level", "na", "3.5", "9.9", "2027-02-30", "owner", "draft",
                     "2026-01-01T00:00:00Z", "x@y", "\x00", "\ud800"]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=5), st.none(),
                                                         max_size=2),
)
SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def leaves(data, path=()):
    """The path of every value in the data, containers included."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from leaves(value, (*path, index))


def replaced(data, path, value):
    if not path:
        return value
    copy = json.loads(json.dumps(data))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return copy


@pytest.fixture
def post_import(app, world, owner_id):
    """Post the import form as the owner; return the status and whether the database changed."""
    client = world["clients"]["owner"]

    def post(fields: list[tuple[str, str]], body: bytes | None, with_token: bool):
        sign_in_as(client, owner_id)
        data = MultiDict([(k, v) for k, v in fields if k != "csrf_token"])
        if with_token:
            data.add("csrf_token", token_for(client))
        if body is not None:
            data.add("file", (io.BytesIO(body), "export.json"))
        with app.app_context():
            before = snapshot()
        response = client.post("/teams/import", data=data, content_type="multipart/form-data")
        with app.app_context():
            db.session.remove()
            changed = snapshot() != before
        return response.status_code, changed

    return post


@pytest.fixture
def good_file(world):
    response = world["clients"]["owner"].get(f"/assessments/{world['finished']}/export.json")
    return json.loads(response.data)


@SETTINGS
@given(fields=FORMS, body=st.one_of(st.none(), st.binary(max_size=300)),
       with_token=st.booleans())
def test_random_import_posts_never_crash_and_store_nothing(post_import, fields, body,
                                                           with_token):
    status, changed = post_import(fields, body, with_token)
    assert status < 500
    assert not changed


@SETTINGS
@given(index=st.integers(min_value=0), value=LEAF_VALUES)
def test_a_file_with_one_value_changed_is_imported_or_refused_whole(
        post_import, good_file, world, index, value):
    paths = list(leaves(good_file))
    path = paths[index % len(paths)]
    body = json.dumps(replaced(good_file, path, value)).encode("utf-8", "surrogatepass")
    status, changed = post_import([("team", str(world["values"]["team_id"]))], body, True)
    assert status in (302, 400), (path, value)
    assert changed == (status == 302), (path, value)
