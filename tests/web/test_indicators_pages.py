"""Chỉ tiêu: the CCHC officer reads the plan's targets against the one-stop KPIs with their
charts, uploads an export (a bad row: nothing imported, the row shown; fixed: the counts),
the catalogue, records a manual measurement and downloads an apology slip; a plain officer is
refused with the rule named; the JSON API gives the same figures.

The pages' clock is 8 June 2020; the export's dossiers were received from March to May.
"""

from __future__ import annotations

import io
import re
import zipfile

from sqlalchemy import func
from sqlmodel import Session, select

from models import Dossier
from tests.web.conftest import NHUNG, PHAT, bearer, csrf_of

HEADER = (
    "ma_ho_so,ma_don_vi,ma_linh_vuc,ten_thu_tuc,ma_thu_tuc,kenh_nop,muc_do_dvc,"
    "ngay_tiep_nhan,ngay_hen_tra,ngay_tra,trang_thai,tra_qua_buu_chinh,danh_gia,"
    "phieu_xin_loi,so_lan_bo_sung"
)
GOOD = [
    # on time, online, satisfied
    "A1,phu-huu,dat_dai,Cấp GCN,DD1,truc_tuyen,3,2020-03-02,2020-03-10,2020-03-09,da_tra,1,hai_long,,",
    # late by two days, no slip
    "A2,phu-huu,dat_dai,Cấp GCN,DD1,truc_tiep,3,2020-04-01,2020-04-08,2020-04-10,da_tra,,,,",
    # not returned, appointment passed: owed an apology slip (its name has markup, shown as text)
    "A3,phu-huu,dat_dai,<b>Xác nhận</b> nhà đất,DD2,truc_tiep,2,2020-05-04,2020-05-12,,dang_xu_ly,,,,",
    "H1,phu-huu,ho_tich,Đăng ký khai sinh,HT1,truc_tuyen,4,2020-05-04,2020-05-06,2020-05-05,da_tra,,rat_hai_long,,",
]
BAD = [
    GOOD[0],
    # the appointment is before the dossier was received, and the channel is unknown
    "A2,phu-huu,dat_dai,Cấp GCN,DD1,bang_bo_cau,3,2020-04-01,2020-03-08,2020-04-10,da_tra,,,,",
    *GOOD[2:],
]
CATALOGUE = "ma_thu_tuc,ten_thu_tuc,linh_vuc,muc_do\nDD1,Cấp GCN,dat_dai,3\nDD2,Xác nhận nhà đất,dat_dai,2\nHT1,Đăng ký khai sinh,ho_tich,4\n"


def export(rows: list[str]) -> bytes:
    return (HEADER + "\n" + "\n".join(rows) + "\n").encode("utf-8")


def stored(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(Dossier)).one())


def post_file(client, path: str, name: str, data: bytes, csrf: str | None):  # type: ignore[no-untyped-def]
    fields = {"csrf_token": csrf} if csrf is not None else {}
    return client.post(path, data=fields, files={"file": (name, data, "text/csv")})


def token(client) -> str:  # type: ignore[no-untyped-def]
    return csrf_of(client.get("/chi-tieu").text)


def test_the_cchc_officer_reads_the_targets_with_their_charts(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    page = client.get("/chi-tieu")
    assert page.status_code == 200, page.text
    assert "<h1>Chỉ tiêu</h1>" in page.text
    assert 'id="target-T2.2a"' in page.text  # every plan target, with a verdict
    assert "Chưa có số liệu" in page.text  # nothing imported yet
    assert "Đã nhập 0 hồ sơ một cửa." in page.text
    assert (
        post_file(
            client, "/chi-tieu/ho-so-mot-cua", "q2.csv", export(GOOD), token(client)
        ).status_code
        == 303
    )
    page = client.get("/chi-tieu")
    # T2.2a (land, on time ≥ 98%): A1 on time, A2 late, A3 late (not returned) → 1/3
    row = page.text.split('id="target-T2.2a"', 1)[1].split("</tr>", 1)[0]
    assert "33,3%" in row and "1/3" in row and "Không đạt" in row
    # charts drawn on the server: a line per KPI by month with its target line, the fields
    assert page.text.count("<svg") >= 4
    chart = page.text.split('id="chart-on_time_rate"', 1)[1].split("</figure>", 1)[0]
    assert 'class="target"' in chart and "T2.2a 98%" in chart and "polyline" in chart
    assert "Đất đai" in chart and "Hộ tịch" in chart  # the fields side by side
    assert "<script" not in chart


def test_a_quarter_shows_its_three_months(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    post_file(client, "/chi-tieu/ho-so-mot-cua", "q2.csv", export(GOOD), token(client))
    page = client.get("/chi-tieu?nam=2020&quy=2")
    assert page.status_code == 200
    assert "01/04/2020" in page.text and "30/06/2020" in page.text
    chart = page.text.split('id="chart-on_time_rate"', 1)[1].split("</figure>", 1)[0]
    assert "2020-04" in chart and "2020-06" in chart and "2020-03" not in chart
    assert client.get("/chi-tieu?quy=5").status_code == 422
    assert client.get("/chi-tieu?nam=0000").status_code == 422


def test_a_bad_row_imports_nothing_and_is_shown_then_the_fixed_file_imports(  # type: ignore[no-untyped-def]
    client, sign_in, engine
) -> None:
    sign_in(NHUNG)
    refused = post_file(
        client, "/chi-tieu/ho-so-mot-cua", "<i>xuat</i>.csv", export(BAD), token(client)
    )
    assert refused.status_code == 422
    assert stored(engine) == 0  # all or nothing
    problems = refused.text.split('id="import-problems"', 1)[1].split("</table>", 1)[0]
    assert "không nhập hồ sơ nào" in problems
    assert "&lt;i&gt;xuat&lt;/i&gt;.csv" in problems  # the file name as text
    rows = [r for r in problems.split('class="bad-row"')[1:]]
    assert rows and all("<td>3</td>" in r for r in rows), problems  # each on spreadsheet row 3
    assert any("kenh_nop" in r for r in rows)
    done = post_file(client, "/chi-tieu/ho-so-mot-cua", "xuat.csv", export(GOOD), token(client))
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert "Đã nhập hồ sơ: 4 hồ sơ mới, 0 hồ sơ cập nhật." in page.text
    assert stored(engine) == 4
    again = post_file(client, "/chi-tieu/ho-so-mot-cua", "xuat.csv", export(GOOD), token(client))
    assert (
        "Đã nhập hồ sơ: 0 hồ sơ mới, 4 hồ sơ cập nhật."
        in client.get(again.headers["location"]).text
    )


def test_the_late_dossiers_and_their_apology_slip(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    post_file(client, "/chi-tieu/ho-so-mot-cua", "q2.csv", export(GOOD), token(client))
    page = client.get("/chi-tieu")
    late = page.text.split('id="late"', 1)[1].split("</section>", 1)[0]
    shown = re.findall(r"<td>([^<]+)<span class=\"meta\">", late)  # each row's dossier code
    assert sorted(shown) == ["A2", "A3"]  # the late ones only, not A1
    assert "&lt;b&gt;Xác nhận&lt;/b&gt; nhà đất" in late  # user text escaped
    assert 'href="/chi-tieu/phieu-xin-loi/A3"' in late
    slip = client.get("/chi-tieu/phieu-xin-loi/A3")
    assert slip.status_code == 200
    assert slip.headers["content-type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(slip.content)) as docx:
        assert "A3" in docx.read("word/document.xml").decode()
    assert client.get("/chi-tieu/phieu-xin-loi/KHONG-CO").status_code == 404
    assert client.get("/chi-tieu/phieu-xin-loi/A2").status_code == 409  # returned already


def test_the_catalogue_and_a_manual_measurement(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    done = post_file(client, "/chi-tieu/thu-tuc", "danh-muc.csv", CATALOGUE.encode(), token(client))
    assert done.status_code == 303, done.text
    page = client.get(done.headers["location"])
    assert "Đã nhập danh mục thủ tục: 3 thủ tục mới" in page.text
    assert "Tỷ lệ thủ tục trực tuyến tính trên các thủ tục có hồ sơ" not in page.text
    bad = post_file(client, "/chi-tieu/thu-tuc", "x.csv", b"ma_thu_tuc\nDD1\n", token(client))
    assert bad.status_code == 422 and "danh mục thủ tục không thay đổi" in bad.text
    fields = {"csrf_token": token(client), "code": "T2.1b", "value": "100", "year": "2020",
              "note": "Biên bản <niêm yết> ngày 05/06"}  # fmt: skip
    recorded = client.post("/chi-tieu/so-lieu", data=fields)
    assert recorded.status_code == 303, recorded.text
    page = client.get(recorded.headers["location"])
    assert "Đã ghi số liệu chỉ tiêu T2.1b." in page.text
    row = page.text.split('id="target-T2.1b"', 1)[1].split("</tr>", 1)[0]
    assert "100%" in row and "Đạt" in row and "Biên bản &lt;niêm yết&gt; ngày 05/06" in row
    wrong = client.post("/chi-tieu/so-lieu", data={**fields, "value": "nhiều"})
    assert wrong.status_code == 422 and "không phải là một số" in wrong.text


def test_a_plain_officer_is_refused_and_nothing_is_imported(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    sign_in(PHAT)
    page = client.get("/chi-tieu")
    assert page.status_code == 403
    assert "Bộ phận một cửa" in page.text or "Công chức" in page.text  # who may, named
    csrf = csrf_of(client.get("/ho-so").text)
    refused = post_file(client, "/chi-tieu/ho-so-mot-cua", "q2.csv", export(GOOD), csrf)
    assert refused.status_code == 403
    assert stored(engine) == 0
    fields = {"csrf_token": csrf, "code": "T2.1b", "value": "100", "year": "2020"}
    assert client.post("/chi-tieu/so-lieu", data=fields).status_code == 403
    assert client.get("/chi-tieu/phieu-xin-loi/A3").status_code == 403


def test_an_upload_without_its_csrf_token_imports_nothing(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    response = post_file(client, "/chi-tieu/ho-so-mot-cua", "q2.csv", export(GOOD), None)
    assert response.status_code == 403
    assert stored(engine) == 0
    assert (
        post_file(client, "/chi-tieu/ho-so-mot-cua", "q2.csv", b"", token(client)).status_code
        == 422
    )


def test_the_api_gives_the_kpis_by_month(client, sign_in, ward) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    post_file(client, "/chi-tieu/ho-so-mot-cua", "q2.csv", export(GOOD), token(client))
    body = client.get("/api/v1/kpi?year=2020", headers=bearer(ward, NHUNG)).json()
    t22a = next(t for t in body["targets"] if t["code"] == "T2.2a")
    assert (t22a["numerator"], t22a["denominator"], t22a["status"]) == (1, 3, "not_met")
    months = body["months"]["on_time_rate"]
    assert [m["month"] for m in months][:3] == ["2020-01", "2020-02", "2020-03"]
    assert months[2]["numerator"] == 1 and months[2]["denominator"] == 1
    refused = client.get("/api/v1/kpi", headers=bearer(ward, PHAT))
    assert refused.status_code == 403 and refused.json()["error"]


def test_an_xlsx_that_would_unpack_into_gigabytes_is_refused_unopened(  # type: ignore[no-untyped-def]
    client, sign_in, engine
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/worksheets/sheet1.xml", " " * (17 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000  # small to send
    sign_in(NHUNG)
    refused = post_file(
        client, "/chi-tieu/ho-so-mot-cua", "bom.xlsx", buffer.getvalue(), token(client)
    )
    assert refused.status_code == 422
    assert "16 MB" in refused.text.split('id="import-problems"', 1)[1]
    assert stored(engine) == 0


def test_recording_an_apology_slip_takes_the_dossier_off_the_late_list(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    post_file(client, "/chi-tieu/ho-so-mot-cua", "q2.csv", export(GOOD), token(client))
    wrong = client.post(
        "/chi-tieu/phieu-xin-loi/A3",
        data={"csrf_token": token(client), "new_appointment": "05/2020"},
    )
    assert wrong.status_code == 422 and "không phải là một ngày" in wrong.text
    early = client.post(
        "/chi-tieu/phieu-xin-loi/A3",
        data={"csrf_token": token(client), "new_appointment": "2020-05-01"},
    )
    assert early.status_code == 422 and "phải sau ngày hẹn trả" in early.text
    done = client.post(
        "/chi-tieu/phieu-xin-loi/A3",
        data={"csrf_token": token(client), "new_appointment": "2020-06-12"},
    )
    assert done.status_code == 303, done.text
    page = client.get(done.headers["location"])
    assert "Đã ghi nhận phiếu xin lỗi của hồ sơ A3." in page.text
    late = page.text.split('id="late"', 1)[1].split("</section>", 1)[0]
    assert "A3" not in late and "A2" in late
    slip = client.get("/chi-tieu/phieu-xin-loi/A3")
    with zipfile.ZipFile(io.BytesIO(slip.content)) as docx:
        assert "ngày 12 tháng 6 năm 2020" in docx.read("word/document.xml").decode()


def test_the_page_speaks_english_to_an_officer_who_prefers_it(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    from models import Officer

    with Session(engine) as s:
        officer = s.exec(select(Officer).where(Officer.email == NHUNG)).one()
        officer.lang = "en"
        s.add(officer)
        s.commit()
    sign_in(NHUNG)
    post_file(client, "/chi-tieu/ho-so-mot-cua", "q2.csv", export(GOOD), token(client))
    page = client.get("/chi-tieu")
    assert "<h1>Targets</h1>" in page.text and "Not met" in page.text
    assert "On-time rate" in page.text
    assert "Chỉ tiêu của kế hoạch" not in page.text and "Không đạt" not in page.text
