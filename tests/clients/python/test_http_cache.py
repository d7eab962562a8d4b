"""hishel 2.0, an RFC 9111 HTTP cache for httpx, between a reader and the live server: public
reads are stored and revalidated with their ETag (a 304 costs no body), a change is seen
at once (never a stale copy), JSON and CSV of one URL are kept apart (Vary: Accept), and
a signed-in answer is never stored (no-store).

Run by .ci/clients (INOVIK_URL, INOVIK_USERNAME, INOVIK_PASSWORD)."""

import os

import hishel
import httpx
import pytest
from hishel.httpx import CacheTransport

URL = os.environ["INOVIK_URL"]


@pytest.fixture()
def cached(tmp_path):
    storage = hishel.SqliteStorage(database_path=str(tmp_path / "cache.db"))
    transport = CacheTransport(next_transport=httpx.HTTPTransport(), storage=storage, rfc=True)
    with httpx.Client(base_url=URL, transport=transport) as client:
        yield client


def status(response):
    return response.extensions["caching"]


def test_public_reads_are_revalidated_and_never_stale(admin, cached):
    code = f"CACHE-{os.getpid() % 100000}"
    agency = admin.post("/api/v1/agencies", json={"code": code, "name": "Dinas Lama", "kind": "agency"})
    assert agency.status_code == 201, agency.text
    path = f"/api/v1/agencies/{agency.json()['id']}"

    first = cached.get(path)
    assert first.status_code == 200
    assert first.headers["etag"] == '"1-public"'
    assert status(first)["stored"] and not status(first)["from_cache"]

    again = cached.get(path)
    assert again.status_code == 200
    assert status(again)["from_cache"] and status(again)["revalidated"], status(again)
    assert again.json() == first.json()

    changed = admin.patch(path, json={"name": "Dinas Baru"}, headers={"If-Match": '"1"'})
    assert changed.status_code == 200, changed.text
    fresh = cached.get(path)
    assert fresh.json()["name"] == "Dinas Baru", "a cache never serves the old version"
    assert fresh.headers["etag"] == '"2-public"'


def test_json_and_csv_of_one_url_are_kept_apart(cached):
    as_json = cached.get("/api/v1/agencies", headers={"Accept": "application/json"})
    assert as_json.headers["content-type"].startswith("application/json")
    as_csv = cached.get("/api/v1/agencies", headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv"), "Vary: Accept is honoured"
    assert as_csv.text.lstrip("\ufeff").startswith("id,code,name,")
    # Whether the cache keeps both variants is its choice; it never mixes them up.
    json_again = cached.get("/api/v1/agencies", headers={"Accept": "application/json"})
    assert json_again.headers["content-type"].startswith("application/json")
    assert json_again.json()["items"] is not None


def test_a_signed_in_answer_is_never_stored(admin, cached):
    token = admin.headers["Authorization"]
    signed_in = cached.get("/api/v1/me", headers={"Authorization": token})
    assert signed_in.status_code == 200
    assert signed_in.headers["cache-control"] == "no-store"
    assert not status(signed_in)["stored"]
    again = cached.get("/api/v1/me", headers={"Authorization": token})
    assert not status(again)["from_cache"]
