"""The JSON API: the same use cases as the pages, with errors as JSON in the user's language."""

from __future__ import annotations

from tests.web.conftest import MAI, NHUNG, NOW, bearer


def test_openapi_document_is_served(client) -> None:  # type: ignore[no-untyped-def]
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/tasks" in doc["paths"]
    assert "/api/v1/occurrences/{task}/{period}/submit" in doc["paths"]


def test_me_tasks_and_an_occurrence_with_a_bearer_token(client, ward) -> None:  # type: ignore[no-untyped-def]
    headers = bearer(ward, NHUNG)
    me = client.get("/api/v1/me", headers=headers).json()
    assert me["email"] == NHUNG and me["lang"] == "vi"
    tasks = client.get("/api/v1/tasks", headers=headers).json()
    codes = [
        t["task"] for group in ("overdue", "due_soon", "returned", "later") for t in tasks[group]
    ]
    assert sorted(codes) == ["T.A3", "T.LATE"]
    assert tasks["counts"]["due_soon"] == 1
    occ = client.get("/api/v1/occurrences/T.A3/2020", headers=headers).json()
    assert occ["task"] == "T.A3" and occ["status"] == "open"
    assert len(occ["documents"]) == 3


def test_errors_are_json_with_the_right_status(client, ward) -> None:  # type: ignore[no-untyped-def]
    headers = bearer(ward, NHUNG)
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer wrong"}).status_code == 401
    missing = client.get("/api/v1/occurrences/T.NONE/2020", headers=headers)
    assert missing.status_code == 404 and missing.json()["error"]
    wrong_state = client.post("/api/v1/occurrences/T.A3/2020/accept", headers=bearer(ward, MAI))
    assert wrong_state.status_code == 409, wrong_state.text
    assert "error" in wrong_state.json()
    not_hers = client.post("/api/v1/occurrences/T.A3/2020/return", json={}, headers=headers)
    assert not_hers.status_code == 403, "the lead may not return her own task, whatever its state"
    no_reason = client.post(
        "/api/v1/occurrences/T.A3/2020/return", json={}, headers=bearer(ward, MAI)
    )
    assert no_reason.status_code in (409, 422)
    submitted = client.post(
        "/api/v1/occurrences/T.A3/2020/submit", json={"reason": "nộp sau"}, headers=headers
    )
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["to"] == "submitted"
    refused = client.post(
        "/api/v1/occurrences/T.A3/2020/accept", headers=headers
    )  # one's own submission
    assert refused.status_code == 403
    accepted = client.post("/api/v1/occurrences/T.A3/2020/accept", headers=bearer(ward, MAI))
    assert accepted.status_code == 200 and accepted.json()["to"] == "accepted"


def test_evidence_upload_through_the_api_and_a_file_over_the_limit(
    ward, engine, db_url: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from application.settings import Settings
    from cchc.replay import minimal_pdf
    from web.app import create_app

    settings = Settings(
        home=tmp_path / "h", database_url=db_url, lang="en", evidence_max_mb=0.004
    )  # about 4 kB
    app = create_app(settings, engine=engine, now=lambda: NOW)
    headers = bearer(ward, NHUNG)
    path = "/api/v1/occurrences/T.A3/2020/evidence"
    with TestClient(app) as client:
        small = minimal_pdf("small")
        ok = client.post(
            path,
            headers=headers,
            data={"requirement": "2", "doc_number": "15/DM-UBND", "doc_date": "2020-06-05"},
            files=[("file", ("danh-muc.pdf", small, "application/pdf"))],
        )
        assert ok.status_code == 200, ok.text
        [item] = ok.json()["evidence"]
        assert item["file"] == "danh-muc.pdf"
        big = small + b"%" + b"x" * 8000
        too_big = client.post(
            path, headers=headers, files=[("file", ("big.pdf", big, "application/pdf"))]
        )
        assert too_big.status_code == 413, too_big.text
        assert "big.pdf" in too_big.json()["error"]
        bad_date = client.post(
            path,
            headers=headers,
            data={"doc_date": "31/02/2020"},
            files=[("file", ("x.pdf", small, "application/pdf"))],
        )
        assert bad_date.status_code == 422 and "31/02/2020" in bad_date.json()["error"]
        shown = client.get("/api/v1/occurrences/T.A3/2020", headers=headers).json()
        assert [u["file"] for d in shown["documents"] for u in d["uploads"]] == ["danh-muc.pdf"]


HUNG = "hung.nv@phuhuu.gov.vn"  # chairman: the only one the policy lets waive


def test_waive_through_the_api_needs_the_chairman_and_a_reason(client, ward) -> None:  # type: ignore[no-untyped-def]
    path = "/api/v1/occurrences/T.A3/2020/waive"
    refused = client.post(path, json={"reason": "không phát sinh"}, headers=bearer(ward, NHUNG))
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]
    chairman = bearer(ward, HUNG)
    no_reason = client.post(path, json={}, headers=chairman)
    assert no_reason.status_code in (409, 422), no_reason.text
    still = client.get("/api/v1/occurrences/T.A3/2020", headers=chairman).json()
    assert still["status"] == "open"
    waived = client.post(path, json={"reason": "không phát sinh"}, headers=chairman)
    assert waived.status_code == 200, waived.text
    assert waived.json()["to"] == "waived"
    shown = client.get("/api/v1/occurrences/T.A3/2020", headers=chairman).json()
    assert shown["status"] == "waived"


def test_numbers_past_the_databases_range_are_not_found(client, ward) -> None:  # type: ignore[no-untyped-def]
    """Found by the schemathesis run: on PostgreSQL these were server errors (integer out
    of range); on both databases they are simply nothing there."""
    headers = bearer(ward, NHUNG)
    huge = 2**31
    doc = client.get(f"/api/v1/evidence/{huge}", headers=headers)
    assert doc.status_code in (404, 405), doc.text
    review = client.post(f"/api/v1/evidence/{huge}/accept", headers=bearer(ward, MAI))
    assert review.status_code == 404 and "error" in review.json(), review.text
    year = client.get(f"/api/v1/completeness?year={huge}", headers=headers)
    assert year.status_code == 404 and str(huge) in year.json()["error"], year.text
