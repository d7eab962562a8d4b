"""What the client tests share: the live server's address and an administrator's httpx
client (.ci/clients sets INOVIK_URL, INOVIK_USERNAME and INOVIK_PASSWORD)."""

import os

import httpx
import pytest

URL = os.environ["INOVIK_URL"]


@pytest.fixture(scope="module")
def admin():
    token = httpx.post(
        f"{URL}/api/v1/auth/token",
        data={
            "grant_type": "password",
            "username": os.environ["INOVIK_USERNAME"],
            "password": os.environ["INOVIK_PASSWORD"],
        },
    ).json()["access_token"]
    with httpx.Client(base_url=URL, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client
