"""A Python client generated from the committed document by openapi-python-client, as a
regional system's developer would make one, used against a live server: it must import
whole (every operation), get a token, and handle filters, cursors, CSV and errors.

Run by .ci/clients (INOVIK_URL, INOVIK_USERNAME, INOVIK_PASSWORD name a live server and
its administrator)."""

import importlib
import io
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
URL = os.environ["INOVIK_URL"]
GENERATED = ROOT / "target" / "clients" / "generated"
PACKAGE = "inovik_api_client"


@pytest.fixture(scope="module")
def api():
    """Generates the client into target/ (as `openapi-python-client generate` prints it,
    without a pyproject: the package alone) and imports it."""
    GENERATED.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            "openapi-python-client",
            "generate",
            "--path",
            str(ROOT / "openapi" / "openapi.json"),
            "--output-path",
            str(GENERATED / PACKAGE),
            "--meta",
            "none",
            "--overwrite",
            "--config",
            str(Path(__file__).with_name("openapi-python-client.yaml")),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Every operation is generated. The import is generated for its XLSX body only (the
    # generator sends no text/csv bodies: it warns about that media type and goes on).
    printed = result.stdout + result.stderr
    assert "will not be generated" not in printed, printed
    sys.path.insert(0, str(GENERATED))
    return importlib.import_module(PACKAGE)


def test_every_generated_module_imports(api):
    failed = {}
    modules = 0
    for info in pkgutil.walk_packages(api.__path__, PACKAGE + "."):
        modules += 1
        try:
            importlib.import_module(info.name)
        except Exception as error:  # noqa: BLE001 - the failure is the finding
            failed[info.name] = repr(error)
    assert failed == {}
    assert modules > 60


@pytest.fixture(scope="module")
def client(api):
    from inovik_api_client import AuthenticatedClient, Client
    from inovik_api_client.api.auth import issue_token
    from inovik_api_client.models import TokenRequest, TokenResponse

    token = issue_token.sync(
        client=Client(base_url=URL),
        body=TokenRequest(
            grant_type="password",
            username=os.environ["INOVIK_USERNAME"],
            password=os.environ["INOVIK_PASSWORD"],
        ),
    )
    assert isinstance(token, TokenResponse), token
    assert token.token_type.lower() == "bearer"
    return AuthenticatedClient(base_url=URL, token=token.access_token)


def test_a_wrong_password_is_a_parsed_oauth_error(api):
    from inovik_api_client import Client
    from inovik_api_client.api.auth import issue_token
    from inovik_api_client.models import Problem, TokenRequest

    answer = issue_token.sync_detailed(
        client=Client(base_url=URL),
        body=TokenRequest(
            grant_type="password",
            username=os.environ["INOVIK_USERNAME"],
            password="not-the-password",
        ),
    )
    assert answer.status_code == 400
    assert isinstance(answer.parsed, Problem)
    assert answer.parsed.error == "invalid_grant"


def _agency(api, client, code, kind):
    from inovik_api_client.api.agencies import create_agency
    from inovik_api_client.models import Agency, AgencyInput

    created = create_agency.sync(
        client=client,
        body=AgencyInput.from_dict(
            {"code": code, "name": f"Dinas {code}", "kind": kind}
        ),
    )
    assert isinstance(created, Agency), created
    return created


def test_filters_cursors_csv_and_errors(api, client):
    from inovik_api_client.api.agencies import (
        export_agencies_csv,
        get_agency,
        list_agencies,
    )
    from inovik_api_client.models import Agency, PageAgency, Problem

    suffix = os.getpid() % 10000
    made = [
        _agency(api, client, f"GEN-{suffix}-{i}", kind)
        for i, kind in enumerate(["health_center", "hospital", "agency", "health_center"])
    ]

    # A multi-value filter: the generated code sends the parameter repeated.
    kinds = [
        api.models.ListAgenciesKindItem("health_center"),
        api.models.ListAgenciesKindItem("hospital"),
    ]
    page = list_agencies.sync(client=client, kind=kinds, q=f"GEN-{suffix}", per_page=100)
    assert isinstance(page, PageAgency), page
    assert all(isinstance(item, Agency) for item in page.items)
    assert sorted(a.code for a in page.items) == sorted(
        a.code for a in made if a.kind.value in ("health_center", "hospital")
    )

    # Cursor mode, one row a page, following next_cursor to the end.
    seen, cursor = [], ""
    while cursor is not None:
        page = list_agencies.sync(client=client, q=f"GEN-{suffix}", per_page=1, cursor=cursor)
        seen += [a.code for a in page.items]
        cursor = page.next_cursor if isinstance(page.next_cursor, str) else None
    assert sorted(seen) == sorted(a.code for a in made)

    # The XLSX export is bytes (the workbook media type mapped to octet-stream).
    from inovik_api_client.api.agencies import export_agencies_xlsx

    workbook = export_agencies_xlsx.sync_detailed(client=client, q=f"GEN-{suffix}")
    assert workbook.status_code == 200
    assert workbook.content[:4] == b"PK\x03\x04", "a zip archive, as XLSX is"

    # The CSV export is an operation of its own: text, not a JSON decode error.
    csv = export_agencies_csv.sync(client=client, q=f"GEN-{suffix}")
    assert isinstance(csv, str), csv
    lines = [line for line in csv.lstrip("\ufeff").split("\r\n") if line]
    assert lines[0].startswith("id,code,name,")
    assert len(lines) == 1 + len(made)

    # Errors come back as parsed problem details.
    missing = get_agency.sync_detailed(client=client, id=2_000_000_000)
    assert missing.status_code == 404
    assert isinstance(missing.parsed, Problem)
    assert missing.parsed.status == 404
    bad = list_agencies.sync_detailed(client=client, cursor="eyJub3QtYS1jdXJzb3I")
    assert bad.status_code == 422
    assert [e.field for e in bad.parsed.errors] == ["cursor"]


def test_a_workbook_export_is_a_file_the_import_takes(api, client):
    from inovik_api_client.api.cohorts import create_cohort
    from inovik_api_client.api.innovations import (
        create_innovation,
        export_innovations_xlsx,
        import_innovations,
    )
    from inovik_api_client.models import CohortInput, ImportReport, InnovationInput
    from inovik_api_client.types import File

    suffix = os.getpid() % 10000
    agency = _agency(api, client, f"GENX-{suffix}", "agency")
    cohort = create_cohort.sync(
        client=client, body=CohortInput.from_dict({"name": f"Lab gen {suffix}", "year": 2016})
    )
    create_innovation.sync(
        client=client,
        body=InnovationInput.from_dict(
            {"cohort_id": cohort.id, "agency_id": agency.id, "name": "Siperi",
             "initiator_type": "agency", "form": "public_service"}
        ),
    )
    workbook = export_innovations_xlsx.sync_detailed(client=client, cohort_id=cohort.id)
    assert workbook.status_code == 200
    copy = create_cohort.sync(
        client=client, body=CohortInput.from_dict({"name": f"Lab gen {suffix} b", "year": 2016})
    )
    report = import_innovations.sync(
        client=client,
        body=File(payload=io.BytesIO(workbook.content), file_name="innovations.xlsx"),
        cohort_id=copy.id,
        dry_run=True,
    )
    assert isinstance(report, ImportReport), report
    assert (report.dry_run, report.rows, report.created) == (True, 1, 0)
