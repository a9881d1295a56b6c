"""Chờ duyệt (the approver's queue), reviewing each document, and opening a document — as the
officers use them, and the security around them (who may read or review, what is never shown
in place, a damaged stored copy)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from urllib.parse import quote

from application.access import Identity
from application.occurrences import act
from cchc.replay import minimal_pdf
from tests.web.conftest import MAI, NHUNG, NOW, PHAT, csrf_of, local

OCC = "/nhiem-vu/T.A3/2020"
NHUNG_NAME = "Phạm Thị Hồng Nhung"


def upload(client, files, requirement: str = "1"):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(OCC).text)
    return client.post(
        OCC + "/tai-lieu",
        data={"csrf_token": token, "requirement": requirement, "doc_number": "12/BC-UBND"},
        files=[("files", f) for f in files],
    )


def evidence_ids(client) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The documents linked on the occurrence page: file name -> id."""
    html = client.get(OCC).text
    found = re.findall(r'<a href="/tai-lieu/(\d+)"[^>]*>([^<]+)</a>', html)
    return {name: int(i) for i, name in found}


def sign_out(client) -> None:  # type: ignore[no-untyped-def]
    client.post("/dang-xuat", data={"csrf_token": csrf_of(client.get("/").text)})


def submitted_with_two_documents(client, sign_in) -> dict[str, int]:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    done = upload(
        client,
        [
            ("báo-cáo-tháng-6.pdf", minimal_pdf("one"), "application/pdf"),
            ("danh-muc.pdf", minimal_pdf("two"), "application/pdf"),
        ],
    )
    assert done.status_code == 303, done.text
    ids = evidence_ids(client)
    token = csrf_of(client.get(OCC).text)
    sent = client.post(OCC + "/submit", data={"csrf_token": token, "reason": "Nộp trước hai"})
    assert sent.status_code == 303, sent.text
    sign_out(client)
    return ids


# --- Chờ duyệt -------------------------------------------------------------------------------


def test_the_approver_sees_the_queue_oldest_submission_first_with_a_badge(
    client, sign_in, ward
) -> None:  # type: ignore[no-untyped-def]
    # T.LATE was submitted on Wednesday 3 June (three working days before the pages' Monday)
    act(
        ward,
        Identity.officer(NHUNG),
        local(2020, 6, 3, 10),
        action="submit",
        task="T.LATE",
        period="2020",
        reason="Chưa có tài liệu",
    )
    submitted_with_two_documents(client, sign_in)  # T.A3, today
    sign_in(MAI)
    page = client.get("/cho-duyet")
    assert page.status_code == 200
    assert "<h1>Chờ duyệt</h1>" in page.text
    late, a3 = page.text.index("/nhiem-vu/T.LATE/2020"), page.text.index(OCC)
    assert late < a3  # the older submission first, though T.A3 is due sooner
    assert f"{NHUNG_NAME} nộp 03/06/2020 10:00" in page.text
    assert "đã chờ 3 ngày làm việc" in page.text
    assert "đã chờ 0 ngày làm việc" in page.text
    assert "Tài liệu: 2 chờ duyệt, 0 đã chấp nhận, 0 bị trả lại" in page.text
    assert "năm 2020" in page.text.lower()  # the period as officers write it
    nav = client.get("/").text.split("</nav>")[0]
    assert 'href="/cho-duyet"' in nav and '<span class="badge"' in nav and ">2</span>" in nav

    api = client.get("/api/v1/approvals", headers={"X-CSRF-Token": csrf_of(page.text)}).json()
    assert api["count"] == 2
    assert [i["task"] for i in api["items"]] == ["T.LATE", "T.A3"]
    first = api["items"][0]
    assert first["submitted_by"] == NHUNG and first["working_days_waiting"] == 3
    assert api["items"][1]["documents"] == {"pending": 2, "accepted": 0, "rejected": 0}
    mine = client.get("/api/v1/tasks").json()
    assert {t["task"] for t in mine["awaiting_me"]} == {"T.LATE", "T.A3"}  # the same list


def test_an_officer_with_nothing_to_approve_sees_the_empty_queue_and_no_badge(
    client, sign_in
) -> None:  # type: ignore[no-untyped-def]
    sign_in(PHAT)
    page = client.get("/cho-duyet")
    assert page.status_code == 200
    assert "Không có kết quả nào chờ bạn duyệt." in page.text
    assert '<span class="badge"' not in page.text
    assert client.get("/api/v1/approvals").json() == {"email": PHAT, "count": 0, "items": []}
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/approvals" in paths and "/api/v1/evidence/{evidence_id}/reject" in paths
    assert not [p for p in paths if not p.startswith("/api/v1/")]  # pages stay out


# --- reviewing each document -------------------------------------------------------------------


def test_the_approver_accepts_one_document_and_rejects_another_with_a_reason(
    client, sign_in
) -> None:  # type: ignore[no-untyped-def]
    ids = submitted_with_two_documents(client, sign_in)
    report, listing = ids["báo-cáo-tháng-6.pdf"], ids["danh-muc.pdf"]
    sign_in(MAI)
    page = client.get(OCC).text
    assert f'action="/tai-lieu/{report}/accept"' in page
    assert f'action="/tai-lieu/{listing}/reject"' in page
    token = csrf_of(page)
    no_reason = client.post(f"/tai-lieu/{listing}/reject", data={"csrf_token": token})
    assert no_reason.status_code == 422
    assert "lý do" in no_reason.text.lower()
    rejected = client.post(
        f"/tai-lieu/{listing}/reject",
        data={"csrf_token": token, "reason": "Danh mục <b>thiếu</b> chữ ký"},
    )
    assert rejected.status_code == 303
    assert rejected.headers["location"] == f"{OCC}#tai-lieu-{listing}"
    accepted = client.post(f"/tai-lieu/{report}/accept", data={"csrf_token": token})
    assert accepted.status_code == 303
    queue = client.get("/cho-duyet").text
    assert "Tài liệu: 0 chờ duyệt, 1 đã chấp nhận, 1 bị trả lại" in queue
    sign_out(client)

    sign_in(NHUNG)
    page = client.get(OCC).text
    assert "Danh mục &lt;b&gt;thiếu&lt;/b&gt; chữ ký" in page
    assert '/accept"' not in page.split("<h2>", 2)[1]  # no review forms for the uploader


def test_the_uploader_and_an_officer_who_does_not_approve_cannot_review(
    client, sign_in, ward
) -> None:  # type: ignore[no-untyped-def]
    from tests.web.conftest import bearer

    ids = submitted_with_two_documents(client, sign_in)
    one = ids["danh-muc.pdf"]
    for who in (NHUNG, PHAT):
        sign_in(who)
        token = csrf_of(client.get("/").text)
        page = client.post(f"/tai-lieu/{one}/accept", data={"csrf_token": token})
        assert page.status_code == 403
        alert = page.text.split('role="alert"')[1].split("</p>")[0]
        assert "Không được phép" in alert and "T.A3" in alert  # the rule, naming the task
        sign_out(client)
    api = client.post(
        f"/api/v1/evidence/{one}/reject", json={"reason": "x"}, headers=bearer(ward, PHAT)
    )
    assert api.status_code == 403 and "T.A3" in api.json()["error"]
    ok = client.post(
        f"/api/v1/evidence/{one}/reject", json={"reason": "Mờ"}, headers=bearer(ward, MAI)
    )
    assert ok.status_code == 200, ok.text
    assert ok.json() == {"id": one, "status": "rejected", "reason": "Mờ"}
    again = client.post(f"/api/v1/evidence/{one}/accept", headers=bearer(ward, MAI))
    assert again.status_code == 200 and again.json()["status"] == "accepted"
    missing = client.post("/api/v1/evidence/999999/accept", headers=bearer(ward, MAI))
    assert missing.status_code == 404


def test_a_review_form_without_the_csrf_token_is_refused(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    ids = submitted_with_two_documents(client, sign_in)
    sign_in(MAI)
    refused = client.post(f"/tai-lieu/{ids['danh-muc.pdf']}/accept")
    assert refused.status_code == 403
    assert "Tài liệu: 2 chờ duyệt" in client.get("/cho-duyet").text


# --- opening a document --------------------------------------------------------------------


def test_a_pdf_opens_in_place_in_a_sandbox_with_its_vietnamese_name(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    ids = submitted_with_two_documents(client, sign_in)
    one = ids["báo-cáo-tháng-6.pdf"]
    for who in (MAI, NHUNG):  # the approver and the lead
        sign_in(who)
        got = client.get(f"/tai-lieu/{one}")
        assert got.status_code == 200
        assert got.content == minimal_pdf("one")
        assert got.headers["content-type"] == "application/pdf"
        disposition = got.headers["content-disposition"]
        assert disposition.startswith("inline; ")
        assert "filename*=UTF-8''" + quote("báo-cáo-tháng-6.pdf", safe="") in disposition
        assert 'filename="bao-cao-thang-6.pdf"' in disposition
        csp = got.headers["content-security-policy"]
        assert csp.startswith("sandbox") and "script-src" not in csp
        assert "default-src 'none'" in csp
        assert got.headers["x-content-type-options"] == "nosniff"
        sign_out(client)


def test_an_officer_the_task_does_not_concern_cannot_open_its_documents(
    client, sign_in, engine
) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session

    from storage.officers import end_assignment
    from storage.units import get_unit

    ids = submitted_with_two_documents(client, sign_in)
    one = ids["danh-muc.pdf"]
    sign_in(PHAT)  # the culture officer: neither leads, supports nor approves T.A3
    refused = client.get(f"/tai-lieu/{one}")
    assert refused.status_code == 403
    assert "%PDF" not in refused.text and "T.A3" in refused.text
    assert client.get("/tai-lieu/999999").status_code == 404
    assert client.get("/tai-lieu/..%2F..%2Fetc%2Fpasswd").status_code in (404, 422)
    sign_out(client)

    sign_in(NHUNG)
    assert client.get(f"/tai-lieu/{one}").status_code == 200
    with Session(engine) as s:  # Nhung holds no position any more
        unit_id = get_unit("phu-huu", session=s).id or 0
        end_assignment(
            NHUNG,
            "cchc_officer",
            dt.date(2020, 6, 7),
            session=s,
            unit_id=unit_id,
            actor="t",
            now=NOW,
        )
        s.commit()
    gone = client.get(f"/tai-lieu/{one}")
    assert gone.status_code == 303 and gone.headers["location"].startswith("/dang-nhap")


def _planted(engine, app, content: bytes, media_type: str, name: str) -> int:  # type: ignore[no-untyped-def]
    """A document record whose stored content is ``content`` of ``media_type`` (as an older
    version or a hand edit could have left it: uploads refuse such types)."""
    from sqlmodel import Session, select

    from application.evidence import disk_store
    from models import Blob, Evidence, Occurrence

    store = disk_store(app.state.env.evidence_home)
    saved = store.save(content)
    with Session(engine) as s:
        occ = s.exec(select(Occurrence).where(Occurrence.task_code == "T.A3")).one()
        if s.get(Blob, saved.sha256) is None:
            s.add(Blob(sha256=saved.sha256, size=saved.size, media_type=media_type, stored_at=NOW))
        row = Evidence(
            unit_id=occ.unit_id,
            occurrence_id=occ.id or 0,
            requirement="",
            revision=len(s.exec(select(Evidence)).all()) + 1,
            blob_sha256=saved.sha256,
            file_name=name,
            uploaded_by=NHUNG,
            uploaded_at=NOW,
        )
        s.add(row)
        s.commit()
        return row.id or 0


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def test_html_and_svg_are_never_shown_in_place(client, sign_in, engine, app) -> None:  # type: ignore[no-untyped-def]
    planted = [
        _planted(engine, app, HTML, "text/html", "trang.html"),
        _planted(engine, app, SVG, "image/svg+xml", "hinh.svg"),
        # a record claiming PDF or PNG whose content is HTML: the content decides
        _planted(engine, app, HTML + b" ", "application/pdf", "gia.pdf"),
        _planted(engine, app, SVG + b" ", "image/png", "gia.png"),
    ]
    sign_in(MAI)
    for evidence_id in planted:
        got = client.get(f"/tai-lieu/{evidence_id}")
        assert got.status_code == 200
        assert got.headers["content-disposition"].startswith("attachment; ")
        assert got.headers["content-type"] == "application/octet-stream"
        assert got.headers["content-security-policy"].startswith("sandbox")
        assert got.headers["x-content-type-options"] == "nosniff"


def test_a_damaged_stored_copy_is_an_error_not_served(client, sign_in, app) -> None:  # type: ignore[no-untyped-def]
    from application.evidence import disk_store

    ids = submitted_with_two_documents(client, sign_in)
    one = ids["danh-muc.pdf"]
    sha = hashlib.sha256(minimal_pdf("two")).hexdigest()
    path = disk_store(app.state.env.evidence_home).path(sha)
    path.chmod(0o644)
    path.write_bytes(minimal_pdf("TWO"))  # same size, other content
    sign_in(MAI)
    got = client.get(f"/tai-lieu/{one}")
    assert got.status_code == 409
    assert b"%PDF" not in got.content
    assert f"tài liệu số {one}" in got.text and "cchc evidence verify" in got.text


def test_a_traversal_name_is_stored_and_served_as_a_plain_name(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    done = upload(client, [("../../etc/passwd.pdf", minimal_pdf("x"), "application/pdf")])
    assert done.status_code == 303, done.text
    ids = evidence_ids(client)
    assert list(ids) == ["passwd.pdf"]
    got = client.get(f"/tai-lieu/{ids['passwd.pdf']}")
    assert 'filename="passwd.pdf"' in got.headers["content-disposition"]
    assert "%2F" not in got.headers["content-disposition"]


# --- uploading several files ----------------------------------------------------------------


def test_several_files_at_once_all_or_nothing_naming_the_refused_file(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    page = client.get(OCC).text
    assert 'name="files" multiple' in page and "data-dropzone" in page
    assert '<script src="/static/upload.js" defer></script>' in page
    refused = upload(
        client,
        [
            ("tot.pdf", minimal_pdf("good"), "application/pdf"),
            ("chuong-trinh.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf"),
        ],
    )
    assert refused.status_code == 422
    alert = refused.text.split('role="alert"')[1].split("</p>")[0]
    assert "chuong-trinh.pdf" in alert
    assert evidence_ids(client) == {}  # nothing of the request was stored
    js = client.get("/static/upload.js")
    assert js.status_code == 200 and "upload.addEventListener" in js.text


def test_each_file_may_carry_its_own_metadata_through_the_api(client, ward) -> None:  # type: ignore[no-untyped-def]
    from tests.web.conftest import bearer

    path = "/api/v1/occurrences/T.A3/2020/evidence"
    headers = bearer(ward, NHUNG)
    files = [
        ("file", ("quyet-dinh.pdf", minimal_pdf("a"), "application/pdf")),
        ("file", ("ke-hoach.pdf", minimal_pdf("b"), "application/pdf")),
    ]
    data = {
        "doc_number": ["01/QĐ-UBND", "02/KH-UBND"],
        "doc_date": ["2020-06-01", "2020-06-05"],
        "issuer": "UBND phường Phú Hữu",  # once: for both
    }
    stored = client.post(path, headers=headers, data=data, files=files)
    assert stored.status_code == 200, stored.text
    got = {e["file"]: e for e in stored.json()["evidence"]}
    assert got["quyet-dinh.pdf"]["doc_number"] == "01/QĐ-UBND"
    assert got["ke-hoach.pdf"]["doc_number"] == "02/KH-UBND"
    assert got["ke-hoach.pdf"]["doc_date"] == "2020-06-05"
    assert {e["issuer"] for e in got.values()} == {"UBND phường Phú Hữu"}
    three = {"doc_number": ["1", "2", "3"]}
    refused = client.post(path, headers=headers, data=three, files=files)
    assert refused.status_code == 422 and "doc_number" in refused.json()["error"]
    shown = client.get("/api/v1/occurrences/T.A3/2020", headers=headers).json()
    assert len(shown["extra"]) == 2  # nothing more (no requirement named: extra documents)


def zip_bomb_named_xlsx() -> bytes:
    """A small file named like a workbook whose parts would inflate to 200 MB: its
    ``[Content_Types].xml`` claims to be a spreadsheet's, padded with zeros."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        head = b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        with z.open("[Content_Types].xml", "w", force_zip64=True) as part:
            part.write(head)
            zeros = bytes(1024 * 1024)
            for _ in range(200):
                part.write(zeros)
        z.writestr("xl/workbook.xml", b"<workbook/>")
    return buffer.getvalue()


def test_a_zip_bomb_named_like_a_workbook_is_refused_without_being_inflated(  # type: ignore[no-untyped-def]
    client, sign_in
) -> None:
    import resource

    bomb = zip_bomb_named_xlsx()
    assert len(bomb) < 1024 * 1024  # small on the wire
    sign_in(NHUNG)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = upload(
        client,
        [
            ("bao-cao.pdf", minimal_pdf("báo cáo"), "application/pdf"),
            (
                "so-lieu.xlsx",
                bomb,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        ],
    )
    grew_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert response.status_code in (413, 422), response.text
    assert "so-lieu.xlsx" in response.text  # the page names the file refused
    assert grew_kb < 100 * 1024, grew_kb  # never inflated in memory (200 MB if it were)
    assert evidence_ids(client) == {}  # all or nothing: the good file was not kept either
