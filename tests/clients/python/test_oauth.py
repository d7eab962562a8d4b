"""OAuth 2.0 client libraries against a live Inovik: Authlib and requests-oauthlib, used the
way an integrator uses them (client credentials, password sign-in, refresh, revocation).

Run by .ci/clients, which starts the server; needs INOVIK_URL, INOVIK_USERNAME and
INOVIK_PASSWORD (an administrator's sign-in). Versions are pinned in tests/requirements.txt.
"""

import os
import time
import uuid

import pytest
import requests

# The test server listens on loopback without TLS; oauthlib refuses plain HTTP otherwise.
os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")

from authlib.integrations.requests_client import OAuth2Session as AuthlibSession  # noqa: E402
from oauthlib.oauth2 import BackendApplicationClient, LegacyApplicationClient
from requests_oauthlib import OAuth2Session as OAuthlibSession

BASE = os.environ["INOVIK_URL"].rstrip("/")
TOKEN_URL = f"{BASE}/api/v1/auth/token"
REVOKE_URL = f"{BASE}/api/v1/auth/revoke"
ME_URL = f"{BASE}/api/v1/me"
PASSWORD = "kebumen-beriman-2017"


def me_status(access_token):
    return requests.get(ME_URL, headers={"Authorization": f"Bearer {access_token}"}).status_code


@pytest.fixture(scope="module")
def admin():
    session = AuthlibSession(client_id="inovik-ci", token_endpoint_auth_method="none")
    session.fetch_token(
        TOKEN_URL,
        grant_type="password",
        username=os.environ["INOVIK_USERNAME"],
        password=os.environ["INOVIK_PASSWORD"],
    )
    return session


@pytest.fixture(scope="module")
def person(admin):
    """A viewer who signs in with a password."""
    username = f"viewer-{uuid.uuid4().hex[:8]}"
    created = admin.post(
        f"{BASE}/api/v1/users",
        json={"username": username, "display_name": "Viewer", "role": "viewer", "password": PASSWORD},
    )
    assert created.status_code == 201, created.text
    return username


@pytest.fixture(scope="module")
def machine(admin):
    """An API client: (client_id, client_secret)."""
    created = admin.post(f"{BASE}/api/v1/api-clients", json={"name": f"SIPD {uuid.uuid4().hex[:6]}", "role": "viewer"})
    assert created.status_code == 201, created.text
    body = created.json()
    return body["client_id"], body["client_secret"]


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_authlib_client_credentials(machine, method):
    client_id, client_secret = machine
    session = AuthlibSession(client_id, client_secret, token_endpoint_auth_method=method)
    token = session.fetch_token(TOKEN_URL, grant_type="client_credentials")
    assert token["token_type"] == "Bearer"
    me = session.get(ME_URL)
    assert me.status_code == 200
    assert me.json()["name"] == client_id


def test_authlib_password_refresh_and_revoke(person):
    session = AuthlibSession(client_id="inovik-dashboard", token_endpoint_auth_method="none")
    first = session.fetch_token(TOKEN_URL, grant_type="password", username=person, password=PASSWORD)
    second = session.refresh_token(TOKEN_URL, refresh_token=first["refresh_token"])
    assert second["refresh_token"] != first["refresh_token"]
    assert session.get(ME_URL).status_code == 200
    # Authlib sends client_id (and any secret) with the revocation (RFC 7009 section 2.1).
    revoked = session.revoke_token(REVOKE_URL, token=second["refresh_token"], token_type_hint="refresh_token")
    assert revoked.status_code == 200, revoked.text
    assert me_status(second["access_token"]) == 401, "ending the sign-in ends its access token"


def test_authlib_revokes_an_access_token(person):
    session = AuthlibSession(client_id="inovik-dashboard", token_endpoint_auth_method="none")
    token = session.fetch_token(TOKEN_URL, grant_type="password", username=person, password=PASSWORD)
    revoked = session.revoke_token(REVOKE_URL, token=token["access_token"], token_type_hint="access_token")
    assert revoked.status_code == 200, revoked.text
    assert me_status(token["access_token"]) == 401


def test_requests_oauthlib_client_credentials(machine):
    client_id, client_secret = machine
    session = OAuthlibSession(client=BackendApplicationClient(client_id=client_id))
    session.fetch_token(TOKEN_URL, client_id=client_id, client_secret=client_secret)
    assert session.get(ME_URL).status_code == 200


def test_requests_oauthlib_refreshes_on_its_own(person):
    client = LegacyApplicationClient(client_id="inovik-dashboard")
    session = OAuthlibSession(client=client)
    token = session.fetch_token(TOKEN_URL, username=person, password=PASSWORD, include_client_id=True)
    updated = []
    expired = dict(token, expires_at=time.time() - 60, expires_in=-60)
    # The automatic refresh sends extra form fields (e.g. allow_redirects): the token
    # endpoint ignores what it does not know.
    auto = OAuthlibSession(
        client=LegacyApplicationClient(client_id="inovik-dashboard"),
        token=expired,
        auto_refresh_url=TOKEN_URL,
        auto_refresh_kwargs={"client_id": "inovik-dashboard"},
        token_updater=updated.append,
    )
    me = auto.get(ME_URL)
    assert me.status_code == 200, me.text
    assert len(updated) == 1 and updated[0]["refresh_token"] != token["refresh_token"]
