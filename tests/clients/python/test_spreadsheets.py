"""pandas, as government staff's analysts use it, on a live server: an innovation export read
with pandas' defaults (booleans become True/False, integers with gaps 1000.0, empty cells
NaN) and written back is imported into an empty cohort and reproduces the innovations,
with text that starts with a tab, CR, `=`, `+` or `-` intact (the export's formula guard is
undone on import) and blank optional text null.

Run by .ci/clients (INOVIK_URL, INOVIK_USERNAME, INOVIK_PASSWORD)."""

import io
import os

import pandas

VOLATILE = {"id", "cohort_id", "cohort_name", "version", "created_at", "updated_at"}


def created(response):
    assert response.status_code == 201, response.text
    return response.json()


def innovations(admin, cohort_id):
    page = admin.get("/api/v1/innovations", params={"cohort_id": cohort_id, "sort": "name", "per_page": 100})
    assert page.status_code == 200, page.text
    return [{k: v for k, v in item.items() if k not in VOLATILE} for item in page.json()["items"]]


def test_a_pandas_read_and_write_of_an_export_imports_back_exactly(admin):
    tag = os.getpid() % 100000
    agency = created(admin.post("/api/v1/agencies", json={"code": f"PD-{tag}", "name": f"Dinas Pandas {tag}", "kind": "agency"}))
    cohort = created(admin.post("/api/v1/cohorts", json={"name": f"Lab pandas {tag}", "year": 2016}))
    rows = [
        {"name": "MUTTU 1000", "initiator_type": "agency", "form": "public_service",
         "digital": True, "beneficiaries_target": 1000, "government_affairs": ["pertanahan", "koperasi_ukm"],
         "problem": "\t=1+1", "approach": "\r=HYPERLINK(\"http://x\")", "results": "- Antrean berkurang",
         "beneficiaries": "+62 287 381234", "goals": "  spasi di depan\nbaris dua ", "benefits": ""},
        {"name": "ELEGAN", "initiator_type": "civil_servant", "form": "governance", "digital": False},
        {"name": "Siperi", "initiator_type": "agency", "form": "public_service", "trial_on": "2016-09-01"},
    ]
    for row in rows:
        created(admin.post("/api/v1/innovations", json={"cohort_id": cohort["id"], "agency_id": agency["id"], **row}))
    original = innovations(admin, cohort["id"])
    assert next(i for i in original if i["name"] == "MUTTU 1000")["benefits"] is None

    export = admin.get("/api/v1/innovations/export.csv", params={"cohort_id": cohort["id"]})
    assert export.status_code == 200, export.text
    frame = pandas.read_csv(io.StringIO(export.text))
    # What pandas' defaults make of the columns, which the import must accept.
    assert frame["digital"].dtype == bool
    assert frame["beneficiaries_target"].dtype == float
    rewritten = frame.to_csv(index=False)
    assert "True" in rewritten and "1000.0" in rewritten

    copy = created(admin.post("/api/v1/cohorts", json={"name": f"Lab pandas {tag} (salinan)", "year": 2016}))
    imported = admin.post(
        "/api/v1/innovations/import",
        params={"cohort_id": copy["id"]},
        content=rewritten.encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert imported.status_code == 201, imported.text
    assert imported.json()["created"] == len(rows)
    assert innovations(admin, copy["id"]) == original
