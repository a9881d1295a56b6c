"""Kế hoạch and Lịch làm việc: the CCHC officer reads the plan as its table and matrix,
uploads a revised plan, sees its problems by line or a preview of what loading changes, and
confirms exactly that file; adds a make-up day or a day off and sees the deadlines it moves.
The culture officer is refused every change (403 naming the rule)."""

from __future__ import annotations

import re

from plans import HERE
from tests.web.conftest import NHUNG, PHAT, bearer, csrf_of

PLANS = "/quan-tri/ke-hoach"
CALENDAR = "/quan-tri/lich-lam-viec"
BUNDLED = HERE / "phu-huu-2020.yaml"
BAD_PLAN = b"""schema: cchc-plan/1
plan:
  code: X
  title: "Kh\xc3\xb4ng \xc4\x91\xe1\xbb\xa7"
  year: twenty
"""


def _upload(client, data: bytes, name: str = "ke-hoach.yaml", kind: str = "plan"):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(PLANS).text)
    return client.post(
        PLANS + "/xem-truoc",
        data={"csrf_token": token, "kind": kind},
        files={"file": (name, data, "application/yaml")},
    )


def _tasks(client, ward) -> set[str]:  # type: ignore[no-untyped-def]
    rows = client.get("/api/v1/tasks?all=1", headers=bearer(ward, NHUNG)).json()
    return {r["task"] for r in (rows if isinstance(rows, list) else rows.get("tasks", []))}


def test_the_plan_reads_as_its_table_and_matrix_with_positions_named(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    page = client.get(PLANS)
    assert page.status_code == 200
    html = page.text
    for head in ("STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian", "Sản phẩm"):
        assert f"<th>{head}</th>" in html
    assert "PHU-HUU-2020" in html.upper() or "phu-huu" in html
    assert "Công chức phụ trách công tác CCHC" in html  # the lead by name, not its code
    assert ">cchc_officer<" not in html
    assert "Ma trận phân công" in html and 'class="cell">L' in html
    assert "Tải lên kế hoạch hoặc bộ chỉ số" in html  # Nhung may load plans


def test_a_bad_plan_shows_its_problems_by_line_and_nothing_is_loaded(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    before = client.get(PLANS).text.count("<tr>")
    shown = _upload(client, BAD_PLAN, name="sai.yaml")
    assert shown.status_code == 422
    assert "Tệp sai.yaml có lỗi" in shown.text
    rows = re.findall(r'<td class="num">(\d+)', shown.text.split("plans-problems")[1])
    assert rows and "5" in rows  # "year: twenty" is on line 5
    assert '/nap"' not in shown.text  # no confirmation offered
    assert client.get(PLANS).text.count("<tr>") == before


def test_a_revised_plan_is_previewed_then_exactly_that_file_is_loaded(
    client, sign_in, ward
) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    shown = _upload(client, BUNDLED.read_bytes(), name="phu-huu-2020.yaml")
    assert shown.status_code == 200, shown.text
    html = shown.text
    assert "Xem trước khi nạp phu-huu-2020.yaml" in html
    assert "chưa có gì được ghi" in html
    assert re.search(r"<strong>Nhiệm vụ</strong>: thêm \d+, sửa \d+, lưu trữ 3", html)
    assert "T.A3</a> · năm 2020: huỷ (hạn cũ 10/06/2020)" in html
    # nothing was kept: the plan still has its three tasks
    assert "II.1.1" not in client.get(PLANS).text
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', html).group(1)  # type: ignore[union-attr]
    token = csrf_of(html)
    forged = client.post(
        PLANS + "/nap",
        data={"csrf_token": token, "kind": "plan", "digest": "0" * 64, "name": "x.yaml"},
    )
    assert forged.status_code == 404
    done = client.post(
        PLANS + "/nap",
        data={"csrf_token": token, "kind": "plan", "digest": digest, "name": "phu-huu-2020.yaml"},
    )
    assert done.status_code == 200, done.text
    assert "Đã nạp kế hoạch" in done.text
    after = client.get(PLANS).text
    assert "T.A3" not in after.split('id="plan-table"')[1]
    assert after.count('<td class="num">') > 20
    again = _upload(client, BUNDLED.read_bytes(), name="phu-huu-2020.yaml")
    assert "Không có gì thay đổi" in again.text


def test_a_plain_officer_reads_the_plans_but_may_not_load_one(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(PHAT)
    page = client.get(PLANS)
    assert page.status_code == 200
    assert "Tải lên kế hoạch" not in page.text
    token = csrf_of(client.get("/ho-so").text)
    refused = client.post(
        PLANS + "/xem-truoc",
        data={"csrf_token": token, "kind": "plan"},
        files={"file": ("k.yaml", BUNDLED.read_bytes(), "application/yaml")},
    )
    assert refused.status_code == 403
    assert "được nạp kế hoạch" in refused.text  # the rule, named
    refused = client.post(
        CALENDAR, data={"csrf_token": token, "ngay": "2020-06-13", "loai": "working", "can_cu": "X"}
    )
    assert refused.status_code == 403
    assert "Thêm ngày nghỉ" not in client.get(CALENDAR + "?nam=2020").text


def test_changes_need_the_csrf_token(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    no_token = client.post(
        PLANS + "/xem-truoc",
        data={"kind": "plan"},
        files={"file": ("k.yaml", BUNDLED.read_bytes(), "application/yaml")},
    )
    assert no_token.status_code == 403
    day = client.post(CALENDAR, data={"ngay": "2020-06-13", "loai": "working", "can_cu": "X"})
    assert day.status_code == 403
    assert "13/06/2020" not in client.get(CALENDAR + "?nam=2020").text


def test_the_year_shows_its_holidays_and_a_day_off_moves_a_deadline(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    page = client.get(CALENDAR + "?nam=2020")
    assert page.status_code == 200
    assert "Quốc khánh" in page.text
    assert page.text.count('class="calendar-month"') == 12
    token = csrf_of(page.text)
    moved = client.post(
        CALENDAR,
        data={
            "csrf_token": token,
            "ngay": "2020-06-10",
            "loai": "off",
            "can_cu": "<b>Quyết định</b> 1/QĐ-UBND",
        },
    )
    assert moved.status_code == 200, moved.text
    assert "Ngày 10/06/2020 là ngày nghỉ." in moved.text
    assert "T.A3</a> · năm 2020: hạn từ 10/06/2020 thành 11/06/2020" in moved.text
    assert "&lt;b&gt;Quyết định&lt;/b&gt; 1/QĐ-UBND" in moved.text  # escaped
    assert "<b>Quyết định" not in moved.text
    cleared = client.post(
        CALENDAR, data={"csrf_token": token, "ngay": "10/06/2020", "loai": "clear"}
    )
    assert "hạn từ 11/06/2020 thành 10/06/2020" in cleared.text


def test_a_day_without_its_legal_source_is_refused_with_the_form_kept(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    token = csrf_of(client.get(CALENDAR).text)
    bad = client.post(CALENDAR, data={"csrf_token": token, "ngay": "2020-06-13", "loai": "working"})
    assert bad.status_code == 422
    assert "Cần ghi căn cứ" in bad.text
    assert 'value="2020-06-13"' in bad.text
    bad = client.post(
        CALENDAR, data={"csrf_token": token, "ngay": "hôm qua", "loai": "off", "can_cu": "x"}
    )
    assert bad.status_code == 422


def test_a_framework_is_previewed_and_loaded_as_well(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    from plans import bundled_frameworks

    sign_in(NHUNG)
    framework = next(iter(bundled_frameworks()))
    shown = _upload(client, framework.read_bytes(), name=framework.name, kind="framework")
    assert shown.status_code == 200, shown.text
    assert "chưa có gì được ghi" in shown.text
    assert re.search(r"<strong>Tiêu chí</strong>: thêm [1-9]\d*", shown.text)
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', shown.text).group(1)  # type: ignore[union-attr]
    done = client.post(
        PLANS + "/nap",
        data={"csrf_token": csrf_of(shown.text), "kind": "framework", "digest": digest},
    )
    assert done.status_code == 200
    assert "Đã nạp bộ chỉ số" in done.text
    again = _upload(client, framework.read_bytes(), name=framework.name, kind="framework")
    assert "Không có gì thay đổi" in again.text


def test_the_pages_speak_english_to_an_officer_who_prefers_it(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session, select

    from models import Officer

    with Session(engine) as s:
        officer = s.exec(select(Officer).where(Officer.email == NHUNG)).one()
        officer.lang = "en"
        s.add(officer)
        s.commit()
    sign_in(NHUNG)
    plans = client.get(PLANS).text
    assert "Responsibility matrix" in plans and "<th>Lead</th>" in plans
    assert "Administrative-reform officer" in plans
    assert "Ma trận phân công" not in plans and "Chủ trì" not in plans
    calendar = client.get(CALENDAR + "?nam=2020").text
    assert "2020: 252 working days" in calendar
    assert "Lịch làm việc" not in calendar and "Làm bù" not in calendar
