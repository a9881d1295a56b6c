"""Thẩm định and Xếp hạng pages (``/tinh/tham-dinh``, ``/tinh/xep-hang``) with the test client
on both databases: each reader sees and may do exactly what the policy says — the province's
staff opens, closes and publishes; an appraiser scores the items of their scope in an open
round; the unit reads round 1's comments only once it is closed, explains in its window, sees
its final result once published; another unit and a plain officer are refused (403); forms
need their CSRF token; a bad value is a page saying why (422), a step at the wrong time 409."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from application import appraisal as ap
from application.access import Identity
from tests.web.appraisal_setup import (
    AREA3,
    CLOSE1,
    CLOSE2,
    COUNCIL,
    EXPLAIN,
    HUNG,
    PUBLISH,
    ROUND1,
    ROUND2,
    STAFF,
    SUBMITTED,
    W2_CCHC,
    W2_CHAIR,
    YEAR,
    Clock,
    build_province,
    items,
    score_rest,
    settings_of,
    submit_all,
)
from tests.web.conftest import NHUNG, PHAT, csrf_of

PAGE = "/tinh/tham-dinh"
WARD = "/tinh/tham-dinh/phu-huu/2020"


@pytest.fixture
def clock() -> Clock:
    return Clock(SUBMITTED)


@pytest.fixture
def province(ward, engine, session, load, bundled_framework, tmp_path: Path):  # type: ignore[no-untyped-def]
    return build_province(engine, session, load, bundled_framework, tmp_path / "home")


@pytest.fixture
def app(province, engine, db_url: str, tmp_path: Path, clock: Clock):  # type: ignore[no-untyped-def]
    from tests.web.apps import web_app

    return web_app(settings_of(db_url, tmp_path / "home"), engine=engine, now=clock)


@pytest.fixture
def as_(client, sign_in):  # type: ignore[no-untyped-def]
    """Sign the client in as ``email`` (signing out whoever was signed in)."""

    def run(email: str) -> None:
        client.cookies.clear()
        assert sign_in(email).status_code == 303

    return run


def token(client) -> str:  # type: ignore[no-untyped-def]
    return csrf_of(client.get("/ho-so").text)


def flat(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def stage(province, unit: str) -> str:  # type: ignore[no-untyped-def]
    return ap.show(province, Identity.officer(STAFF), PUBLISH, unit=unit, year=YEAR).stage


def test_the_staff_opens_round_1_for_every_unit_ready(client, as_, province, clock) -> None:  # type: ignore[no-untyped-def]
    submit_all(province)
    clock.at = ROUND1
    as_(STAFF)
    page = client.get(PAGE)
    assert page.status_code == 200, page.text[:400]
    text = flat(page.text)
    assert "kết quả năm 2020" in text and "UBND phường Phú Hữu" in text
    assert "đã nộp, chờ thẩm định" in text and "Mở vòng thẩm định (2 đơn vị)" in text
    assert 'href="/tinh/xep-hang"' in page.text and 'href="/tinh/tien-do"' in page.text
    form = {"don_vi": "tp-hcm", "tinh": "tp-hcm", "nam": "2020"}
    refused = client.post(PAGE + "/mo-vong", data=form)  # no CSRF token: nothing happens
    assert refused.status_code == 403 and stage(province, "phu-huu") == "submitted"
    done = client.post(PAGE + "/mo-vong", data={**form, "csrf_token": token(client)})
    assert done.status_code == 303, done.text[:400]
    shown = flat(client.get(done.headers["location"]).text)
    assert "Đã mở vòng thẩm định: phu-huu, w2." in shown, shown[:900]
    assert "đang thẩm định vòng 1" in shown
    assert stage(province, "w2") == "round1"
    # round 1 does not close while items are unscored: the page says which, under 409
    early = client.post(PAGE + "/dong-vong", data={**form, "csrf_token": token(client)})
    assert early.status_code == 409 and "chưa chấm" in flat(early.text)
    bad = client.post(
        PAGE + "/dong-vong", data={**form, "so_ngay": "năm", "csrf_token": token(client)}
    )
    assert bad.status_code == 422 and "năm" in flat(bad.text)


def test_only_the_staff_takes_the_steps(client, as_, province, clock) -> None:  # type: ignore[no-untyped-def]
    submit_all(province)
    clock.at = ROUND1
    for email in (COUNCIL, HUNG):
        as_(email)
        form = {"don_vi": "phu-huu", "nam": "2020", "csrf_token": token(client)}
        assert client.post(PAGE + "/mo-vong", data=form).status_code == 403
    assert stage(province, "phu-huu") == "submitted"
    as_(COUNCIL)  # an appraiser reads the overview without the staff's buttons
    page = client.get(PAGE)
    assert page.status_code == 200 and "/tinh/tham-dinh/mo-vong" not in page.text


def test_an_appraiser_scores_only_the_items_of_their_scope(client, as_, province, clock) -> None:  # type: ignore[no-untyped-def]
    submit_all(province)
    ap.open_round(province, Identity.officer(STAFF), ROUND1, unit="tp-hcm", year=YEAR)
    clock.at = ROUND1
    as_(AREA3)
    board = flat(client.get(PAGE).text)
    in_area3 = [code for code, _ in items(province) if code.startswith("3.")]
    assert f"còn {len(in_area3)}/{len(in_area3)} tiêu chí chưa chấm" in board
    page = client.get(WARD)
    assert page.status_code == 200
    assert "/tinh/tham-dinh/phu-huu/2020/3.1.1/cham" in page.text
    assert "/tinh/tham-dinh/phu-huu/2020/1.1.1/cham" not in page.text
    score = {"diem": "0,5", "nhan_xet": "Thiếu sổ theo dõi", "csrf_token": token(client)}
    saved = client.post(WARD + "/3.1.1/cham", data=score)
    assert saved.status_code == 303, saved.text[:400]
    again = flat(client.get(saved.headers["location"]).text)
    assert "Đã lưu điểm tiêu chí 3.1.1." in again and "Thiếu sổ theo dõi" in again
    assert client.post(WARD + "/1.1.1/cham", data=score).status_code == 403
    empty = client.post(WARD + "/3.1.2/cham", data={**score, "diem": ""})
    assert empty.status_code == 422 and "Chưa nhập điểm của tiêu chí 3.1.2" in flat(empty.text)
    over = client.post(WARD + "/3.1.2/cham", data={**score, "diem": "99"})
    assert over.status_code == 422 and "99" in flat(over.text)
    assert client.post(WARD + "/3.1.2/cham", data={**score, "diem": "abc"}).status_code == 422
    assert client.post(WARD + "/3.1.2/cham", data={"diem": "1"}).status_code == 403  # no CSRF
    shown = ap.show(province, Identity.officer(STAFF), ROUND1, unit="phu-huu", year=YEAR)
    scored = {i.code: i.round1 for i in shown.items if i.round1 is not None}
    assert scored == {"3.1.1": 0.5}
    # the unit's document, opened from the appraisal page
    link = re.search(r'href="(/tinh/tham-dinh/phu-huu/2020/tai-lieu/\d+)"', page.text)
    assert link, "no document link on the unit's page"
    document = client.get(link.group(1))
    assert document.status_code == 200 and document.content.startswith(b"%PDF")
    elsewhere = link.group(1).replace("/phu-huu/", "/w2/")  # not a document of w2's year
    assert client.get(elsewhere).status_code == 404
    as_(W2_CHAIR)  # another unit opens neither the page nor the document
    assert client.get(WARD).status_code == 403
    assert client.get(link.group(1)).status_code == 403


def test_the_unit_reads_the_comments_after_round_1_and_explains(  # type: ignore[no-untyped-def]
    client, as_, province, clock
) -> None:
    submit_all(province)
    staff = Identity.officer(STAFF)
    ap.open_round(province, staff, ROUND1, unit="tp-hcm", year=YEAR)
    ap.score(province, Identity.officer(AREA3), ROUND1, unit="phu-huu", year=YEAR, item="3.1.1",
             points=0.5, comment="Thiếu sổ theo dõi")  # fmt: skip
    score_rest(province, ROUND1, skip=[("phu-huu", "3.1.1")])
    clock.at = ROUND1
    as_(NHUNG)
    assert client.get(PAGE).headers["location"] == WARD  # a unit's officer: their own page
    during = client.get(WARD)
    assert during.status_code == 200
    text = flat(during.text)
    assert "đang thẩm định vòng 1" in text and "Thiếu sổ theo dõi" not in text
    assert "khi vòng 1 kết thúc" in text and "/cham" not in during.text
    assert client.post(WARD + "/3.1.1/cham", data={"diem": "1", "csrf_token": token(client)}
                       ).status_code == 403  # fmt: skip

    clock.at = CLOSE1  # (a session ends after days away: each step signs in again)
    as_(STAFF)
    form = {"don_vi": "phu-huu", "nam": "2020", "tro_ve": "don-vi", "so_ngay": "5"}
    closed = client.post(PAGE + "/dong-vong", data={**form, "csrf_token": token(client)})
    assert closed.status_code == 303 and closed.headers["location"].startswith(WARD)
    assert "hết ngày 22/01/2021" in flat(client.get(closed.headers["location"]).text)

    clock.at = EXPLAIN
    as_(NHUNG)
    page = client.get(WARD)
    text = flat(page.text)
    assert "Nhận xét vòng 1: Thiếu sổ theo dõi" in text and "giai-trinh" in page.text
    evidence = re.search(r'name="tai_lieu" value="(\d+)"', page.text)
    assert evidence, "no document to attach"
    reply = {"giai_trinh": "Đã có sổ điện tử", "tai_lieu": evidence.group(1)}
    assert client.post(WARD + "/3.1.1/giai-trinh",
                       data={**reply, "tai_lieu": "x", "csrf_token": token(client)}
                       ).status_code == 422  # fmt: skip
    empty = client.post(WARD + "/3.1.1/giai-trinh",
                        data={"giai_trinh": " ", "csrf_token": token(client)})  # fmt: skip
    assert empty.status_code == 422 and "đang trống" in flat(empty.text)
    sent = client.post(WARD + "/3.1.1/giai-trinh", data={**reply, "csrf_token": token(client)})
    assert sent.status_code == 303, sent.text[:400]
    assert "Giải trình của đơn vị: Đã có sổ điện tử" in flat(client.get(WARD).text)
    seen = ap.show(province, staff, EXPLAIN, unit="phu-huu", year=YEAR)
    line = next(i for i in seen.items if i.code == "3.1.1")
    assert line.reply == "Đã có sổ điện tử" and line.evidence == (int(evidence.group(1)),)
    # the province does not explain for the unit; another unit sees nothing of it
    for email in (STAFF, W2_CCHC, PHAT):
        as_(email)
        refused = client.post(WARD + "/3.1.1/giai-trinh",
                              data={**reply, "csrf_token": token(client)})  # fmt: skip
        assert refused.status_code == 403, email
    assert client.get(WARD).status_code == 403
    # round 2 waits for the window's end
    as_(STAFF)
    early = client.post(PAGE + "/mo-vong", data={**form, "csrf_token": token(client)})
    assert early.status_code == 409 and "22/01/2021" in flat(early.text)


def _published(province) -> None:  # type: ignore[no-untyped-def]
    staff = Identity.officer(STAFF)
    submit_all(province)
    ap.open_round(province, staff, ROUND1, unit="tp-hcm", year=YEAR)
    score_rest(province, ROUND1, units=["phu-huu"], share=1.0)
    score_rest(province, ROUND1, units=["w2"], share=0.5)
    ap.close_round(province, staff, CLOSE1, unit="tp-hcm", year=YEAR)
    ap.open_round(province, staff, ROUND2, unit="tp-hcm", year=YEAR)
    ap.close_round(province, staff, CLOSE2, unit="tp-hcm", year=YEAR)


def test_publication_and_the_ranking(client, as_, province, clock) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    _published(province)
    clock.at = PUBLISH
    as_(NHUNG)  # the unit's own result waits for publication
    assert "chưa được công bố" in flat(client.get("/tinh/xep-hang").text)
    as_(STAFF)
    board = client.get(PAGE + "?nam=2020")
    assert "Công bố kết quả (2 đơn vị)" in flat(board.text)
    done = client.post(
        PAGE + "/cong-bo",
        data={"don_vi": "tp-hcm", "tinh": "tp-hcm", "nam": "2020", "csrf_token": token(client)},
    )
    assert done.status_code == 303
    ranking = client.get("/tinh/xep-hang?nam=2020")
    assert ranking.status_code == 200
    rows = re.findall(r'<tr id="unit-([^"]+)"', ranking.text)
    assert rows == ["phu-huu", "w2"]
    assert "2/2 đơn vị đã được công bố" in flat(ranking.text)
    sheet = client.get("/tinh/xep-hang.xlsx?nam=2020&don_vi=tp-hcm")
    assert sheet.status_code == 200 and "spreadsheetml" in sheet.headers["content-type"]
    book = load_workbook(io.BytesIO(sheet.content)).active
    assert book is not None and [book.cell(3, 1).value, book.cell(3, 2).value] == [1, "phu-huu"]
    report = client.get("/tinh/xep-hang.docx?nam=2020")
    assert report.status_code == 200 and report.content.startswith(b"PK")

    as_(NHUNG)  # the unit: its own result and place, never the others' figures
    own = client.get("/tinh/xep-hang")
    text = flat(own.text)
    assert own.status_code == 200 and "1/2" in text and "w2" not in text
    assert client.get("/tinh/xep-hang.xlsx?nam=2020").status_code == 403
    final = client.get(WARD)
    assert "đã công bố" in flat(final.text) and "<form" not in final.text.split("</header>")[1]
    # after publication nothing is appraised any more
    as_(COUNCIL)
    late = client.post(WARD + "/1.1.1/cham", data={"diem": "0", "csrf_token": token(client)})
    assert late.status_code == 409
    as_(PHAT)
    for path in ("/tinh/xep-hang", PAGE, WARD, "/tinh/xep-hang.docx"):
        assert client.get(path).status_code == 403, path


def test_the_menu_offers_the_pages_to_whom_may_read_them(client, as_, province, clock) -> None:  # type: ignore[no-untyped-def]
    clock.at = ROUND1
    as_(NHUNG)  # no appraisal of the unit yet: nothing new in the ward's menu
    nav = client.get("/lich").text.split("</nav>")[0]
    assert 'href="/tinh/tham-dinh"' not in nav
    submit_all(province)
    ap.open_round(province, Identity.officer(STAFF), ROUND1, unit="tp-hcm", year=YEAR)
    nav = client.get("/lich").text.split("</nav>")[0]
    assert 'href="/tinh/tham-dinh"' in nav and 'href="/tinh/xep-hang"' in nav
    as_(PHAT)
    assert 'href="/tinh/tham-dinh"' not in client.get("/lich").text.split("</nav>")[0]
    as_(STAFF)
    nav = client.get(PAGE).text.split("</nav>")[0]
    for path in ("/tinh/tien-do", "/tinh/tham-dinh", "/tinh/xep-hang"):
        assert f'href="{path}"' in nav, path
    assert client.get(PAGE + "?nam=20x0").status_code == 422
    assert client.get("/tinh/tham-dinh/w2/nam-nay").status_code == 422
    earlier = client.get("/tinh/tham-dinh/w2/2019")
    assert earlier.status_code == 200 and "chưa nộp bản tự đánh giá năm 2019" in flat(earlier.text)
    progress = client.get("/tinh/tien-do?nam=2020")
    assert progress.status_code == 200, progress.text[:300]
    assert 'href="/tinh/tham-dinh?nam=2020' in progress.text


def test_the_staff_names_the_council(client, as_, province, clock) -> None:  # type: ignore[no-untyped-def]
    submit_all(province)
    ap.open_round(province, Identity.officer(STAFF), ROUND1, unit="tp-hcm", year=YEAR)
    clock.at = ROUND1
    as_(STAFF)
    page = client.get(PAGE)
    council = flat(page.text.split('id="hoi-dong"')[1])
    assert "Thẩm định LV3" in council and "A3 · 2020" in council and "mọi tiêu chí" in council
    name = {"tinh": "tp-hcm", "nam": "2020", "email": AREA3, "pham_vi": "criterion", "ma": "1.1"}
    done = client.post(PAGE + "/hoi-dong", data={**name, "csrf_token": token(client)})
    assert done.status_code == 303, done.text[:400]
    assert f"Đã giao thẩm định cho {AREA3}." in flat(client.get(done.headers["location"]).text)
    unknown = client.post(PAGE + "/hoi-dong",
                          data={**name, "ma": "42.1", "csrf_token": token(client)})  # fmt: skip
    assert unknown.status_code == 404 and "42.1" in flat(unknown.text)
    vague = client.post(PAGE + "/hoi-dong", data={**name, "ma": "", "csrf_token": token(client)})
    assert vague.status_code == 422 and "ghi mã của nó" in flat(vague.text)
    as_(AREA3)  # now also criterion 1.1 of 2020
    in_scope = [c for c, _ in items(province) if c.startswith(("3.", "1.1."))]
    assert f"còn {len(in_scope)}/{len(in_scope)} tiêu chí chưa chấm" in flat(client.get(PAGE).text)
    assert "/tinh/tham-dinh/phu-huu/2020/1.1.1/cham" in client.get(WARD).text
    assert 'id="hoi-dong"' not in client.get(PAGE).text  # an appraiser names nobody
    area2 = {**name, "pham_vi": "area", "ma": "2", "csrf_token": token(client)}
    refused = client.post(PAGE + "/hoi-dong", data=area2)
    assert refused.status_code == 403
