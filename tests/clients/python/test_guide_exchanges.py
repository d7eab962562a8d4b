"""A validating gateway (openapi-core) between the integration guide and the server: every
request and response that docs/integrating.md exchanges, recorded by the guide's test
(tests/api/recorder.rs) into the file INOVIK_GUIDE_EXCHANGES names, is checked against the
committed document. .ci/clients records the file, then runs this.

A request the server accepted must match the document; one the guide sends to show an
error (a 4xx) may break it, and then the server was right to refuse it. Every response
must match."""

import json
import os
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

ROOT = Path(__file__).resolve().parents[3]
EXCHANGES = os.environ.get("INOVIK_GUIDE_EXCHANGES")


def exchanges():
    if not EXCHANGES:
        pytest.skip("INOVIK_GUIDE_EXCHANGES names no recording (.ci/clients makes one)")
    lines = Path(EXCHANGES).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def media_type(headers):
    return headers.get("content-type", "application/json")


def multipart_form(data, boundary=None, **_):
    """A `multipart/form-data` body as a gateway reads it: each part's text by its name.
    openapi-core's own reader hands a file part over as bytes, which its OpenAPI 3.1
    validator then refuses as "not of type string" (`format: binary` is a string of
    bytes); the bytes are given as the text of the same bytes instead."""
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n\r\n".encode() + data
    )
    return {
        part.get_param("name", header="content-disposition"): part.get_payload(
            decode=True
        ).decode("latin-1")
        for part in message.iter_parts()
    }


def file_media_types():
    """The media types of files the API answers (`format: binary`): a document's content
    as the type it was judged to be, a thumbnail, a workbook."""
    doc = json.loads((ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8"))
    return {
        media_type
        for item in doc["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        for response in operation.get("responses", {}).values()
        for media_type, content in response.get("content", {}).items()
        if content.get("schema", {}).get("format") == "binary"
    }


def as_text(data, **_):
    """A file as the text of its bytes, for the same reason as `multipart_form`."""
    return data.decode("latin-1")


def test_every_exchange_of_the_guide_matches_the_document():
    # The media types the API speaks besides plain JSON, read as a gateway reads them.
    config = Config(
        extra_media_type_deserializers={
            "application/problem+json": lambda data, **_: json.loads(data),
            "application/merge-patch+json": lambda data, **_: json.loads(data),
            # The parameters of the media type (charset=utf-8) come as keywords.
            "text/csv": lambda data, **_: data.decode("utf-8"),
            "multipart/form-data": multipart_form,
        }
        | {media_type: as_text for media_type in file_media_types()}
    )
    spec = OpenAPI.from_file_path(str(ROOT / "openapi" / "openapi.json"), config=config)
    recorded = exchanges()
    assert len(recorded) >= 20, f"only {len(recorded)} exchanges recorded"
    mismatches = []
    for exchange in recorded:
        name = f"{exchange['method']} {exchange['path']}?{exchange['query']} -> {exchange['status']}"
        request = MockRequest(
            host_url="http://localhost",
            method=exchange["method"].lower(),
            path=exchange["path"],
            args=parse_qsl(exchange["query"], keep_blank_values=True),
            headers=exchange["request_headers"],
            data=exchange["request_body"].encode(),
            content_type=media_type(exchange["request_headers"]),
        )
        response = MockResponse(
            data=exchange["response_body"].encode(),
            status_code=exchange["status"],
            headers=exchange["response_headers"],
            content_type=media_type(exchange["response_headers"]),
        )
        if exchange["status"] < 400:
            try:
                spec.validate_request(request)
            except Exception as error:  # noqa: BLE001 - each failure is a finding
                mismatches.append(f"{name}: request: {error!r} {getattr(error, '__cause__', '')!r}")
        try:
            spec.validate_response(request, response)
        except Exception as error:  # noqa: BLE001
            mismatches.append(f"{name}: response: {error!r} {getattr(error, '__cause__', '')!r}")
    assert mismatches == [], "\n".join(mismatches)
