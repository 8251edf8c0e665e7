"""Requests no browser would send — fields without names, ids too large for any row — get
a clear 4xx, never a server error."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("content_type, body", [
    ("multipart/form-data; boundary=XX",
     b'--XX\r\nContent-Disposition: form-data; name="\\"\r\n\r\nvalue\r\n--XX--\r\n'),
    ("multipart/form-data; boundary=XX",
     b'--XX\r\nContent-Disposition: form-data; name=""\r\n\r\nvalue\r\n--XX--\r\n'),
])
@pytest.mark.parametrize("path", ["/sign-in", "/teams/import"])
def test_a_form_field_without_a_usable_name_is_refused(client, path, content_type, body):
    response = client.post(path, data=body, content_type=content_type)
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/teams/99999999999999999999", "/teams/2147483648/history",
                                  "/teams/99999999999999999999/compare"])
def test_an_id_too_large_for_the_database_is_not_found(client, path):
    assert client.get(path).status_code == 404
