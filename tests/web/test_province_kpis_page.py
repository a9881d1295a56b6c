"""Chỉ số (``/tinh/chi-so``): the city's CCHC staff read the one-stop KPIs of the units below
the city ranked KPI by KPI — the order, the rate with its counts, the verdict against each
unit's own targets, a sparkline of the months with its words — a quarter changes the figures,
the workbook downloads with the same ranks; bad input is a clear page, a ward's officer is
refused, an officer who prefers English reads it in English.

The units (``test_unit_view_pages.province``): tp-hcm → quan-9 (no plan) → phu-huu, an-phu
and phu-huu-cu (merged into Phú Hữu on 1 June 2020, no dossiers). Every dossier is a land
one (dat_dai): T2.2a — on time ≥ 98 % in land — decides the verdict. Phú Hữu: 1 of 2 on
time in February, 2 of 2 in April–May (year 3/4, Q1 1/2, Q2 2/2); An Phú: 3 of 3 in
January–March, 0 of 2 in April–May (year 3/5, Q1 3/3, Q2 0/2).
"""

from __future__ import annotations

import html as markup
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from application.access import Identity
from application.dossiers import import_dossiers
from application.uow import UnitOfWork
from tests.web.conftest import NHUNG, PHAT
from tests.web.test_unit_view_pages import (
    BINH,
    MONDAY,
    STAFF,
    TUAN,
    province,  # noqa: F401  (the fixture)
)

EXPORT = """\
ma_ho_so,ma_don_vi,ma_linh_vuc,ten_thu_tuc,ma_thu_tuc,kenh_nop,muc_do_dvc,ngay_tiep_nhan,ngay_hen_tra,ngay_tra,trang_thai
P1,phu-huu,dat_dai,Cấp GCN,DD1,truc_tuyen,3,2020-02-03 08:00,2020-02-10,2020-02-07 10:00,da_tra
P2,phu-huu,dat_dai,Cấp GCN,DD1,truc_tiep,3,2020-02-10 08:00,2020-02-14,2020-02-20 10:00,da_tra
P3,phu-huu,dat_dai,Cấp GCN,DD1,truc_tuyen,3,2020-04-06 08:00,2020-04-10,2020-04-09 10:00,da_tra
P4,phu-huu,dat_dai,Cấp GCN,DD1,truc_tiep,3,2020-05-04 08:00,2020-05-08,2020-05-07 10:00,da_tra
A1,an-phu,dat_dai,Cấp GCN,DD1,truc_tiep,3,2020-01-06 08:00,2020-01-10,2020-01-09 10:00,da_tra
A2,an-phu,dat_dai,Cấp GCN,DD1,truc_tiep,3,2020-02-03 08:00,2020-02-07,2020-02-06 10:00,da_tra
A3,an-phu,dat_dai,Cấp GCN,DD1,truc_tiep,3,2020-03-02 08:00,2020-03-06,2020-03-05 10:00,da_tra
A4,an-phu,dat_dai,Cấp GCN,DD1,truc_tiep,3,2020-04-06 08:00,2020-04-10,2020-04-15 10:00,da_tra
A5,an-phu,dat_dai,Cấp GCN,DD1,truc_tiep,3,2020-05-04 08:00,2020-05-08,2020-05-12 10:00,da_tra
"""
ORDER = ["phu-huu", "an-phu", "phu-huu-cu", "quan-9"]  # by rate; no data last, by code


@pytest.fixture
def app(province, engine, db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]  # noqa: F811
    from application.settings import Settings
    from tests.web.apps import web_app

    export = tmp_path / "mot-cua.csv"
    export.write_text(EXPORT, encoding="utf-8")
    import_dossiers(UnitOfWork(engine), Identity.operator("test"), MONDAY, path=export)
    settings = Settings(home=tmp_path / "home", database_url=db_url, lang="vi")
    return web_app(settings, engine=engine, now=lambda: MONDAY)


def _text(html: str) -> str:
    return markup.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def _main(html: str) -> str:
    return html.split("<main>", 1)[1].split("</main>", 1)[0]


def _rows(html: str) -> dict[str, str]:
    """Each unit's row as a reader sees it, in the order shown."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    found = re.findall(r'<tr id="unit-([^"]+)"[^>]*>(.*?)</tr>', body, re.S)
    return {code: _text(row) for code, row in found}


def _row_html(html: str, code: str) -> str:
    return html.split(f'id="unit-{code}"', 1)[1].split("</tr>", 1)[0]


def test_the_city_staff_reads_the_ranking_with_counts_verdicts_and_sparklines(  # type: ignore[no-untyped-def]
    client, sign_in
) -> None:
    assert sign_in(STAFF).status_code == 303
    menu = client.get("/tinh/tien-do?nam=2020").text
    assert 'href="/tinh/chi-so"' in menu  # the menu of the province's pages
    assert 'href="/tinh/chi-so?nam=2020&amp;don_vi=tp-hcm"' in _main(menu)  # and the tabs
    page = client.get("/tinh/chi-so")  # this year (the clock's), the first KPI
    assert page.status_code == 200, page.text[:800]
    main = _main(page.text)
    assert "Chỉ số một cửa của các đơn vị thuộc" in _text(main) and "năm 2020" in _text(main)
    assert '<h2 id="xep-hang">Tỷ lệ hồ sơ đúng hạn</h2>' in main
    rows = _rows(main)
    assert list(rows) == ORDER
    assert rows["phu-huu"].startswith("1 UBND phường Phú Hữu phu-huu 75% (3/4) không đạt")
    assert "(T2.2a, T2.2b)" in rows["phu-huu"]
    assert rows["an-phu"].startswith("2 ") and "60% (3/5) không đạt" in rows["an-phu"]
    assert rows["quan-9"].startswith("— ") and "chưa có số liệu không có chỉ tiêu" in rows["quan-9"]
    assert "2/4 đơn vị chưa có số liệu về chỉ số này" in _text(main)
    # a unit with a plan links to its own Chỉ tiêu page, read-only
    phu_huu = _row_html(main, "phu-huu")
    assert 'href="/chi-tieu?don_vi=phu-huu&amp;nam=2020"' in phu_huu
    assert "/chi-tieu?" not in _row_html(main, "quan-9")
    viewed = client.get("/chi-tieu?don_vi=phu-huu&nam=2020")
    assert viewed.status_code == 200 and "(chỉ đọc)" in viewed.text
    # the sparkline: drawn here, no script, its months in words for a screen reader
    spark = phu_huu.split('<svg class="sparkline"', 1)[1].split("</svg>", 1)[0]
    label = re.search(r'aria-label="([^"]+)"', spark)
    assert label is not None and 'role="img"' in spark
    assert label.group(1).startswith("Theo tháng: tháng 1: chưa có số liệu; tháng 2: 50%;")
    assert "tháng 4: 100%; tháng 5: 100%" in label.group(1)
    assert f"<title>{label.group(1)}</title>" in spark
    assert spark.count('class="bar"') == 3 and spark.count('class="no-data"') == 9
    assert "<script" not in page.text.split("</head>", 1)[1] and "style=" not in main
    # a tab per KPI, one click each
    tab = re.search(r'<a id="tab-online_rate" href="([^"]+)"', main)
    assert tab is not None
    online = client.get(tab.group(1).replace("&amp;", "&"))
    assert online.status_code == 200
    assert '<h2 id="xep-hang">Tỷ lệ hồ sơ nộp trực tuyến (mức 3, 4)</h2>' in online.text
    assert (
        'id="tab-online_rate" href="/tinh/chi-so?nam=2020&amp;chi_so=online_rate&amp;don_vi=tp-hcm" aria-current="page"'
        in online.text
    )


def test_a_quarter_changes_the_figures_and_the_order(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    assert sign_in(STAFF).status_code == 303
    q1 = _rows(client.get("/tinh/chi-so?nam=2020&quy=1&don_vi=tp-hcm").text)
    assert list(q1)[:2] == ["an-phu", "phu-huu"]
    assert "100% (3/3) đạt" in q1["an-phu"] and "50% (1/2) không đạt" in q1["phu-huu"]
    page = client.get("/tinh/chi-so?nam=2020&quy=2")
    assert "quý 2 năm 2020" in _text(page.text) and "01/04/2020" in page.text
    q2 = _rows(page.text)
    assert list(q2)[:2] == ["phu-huu", "an-phu"]
    assert "100% (2/2) đạt" in q2["phu-huu"] and "0% (0/2) không đạt" in q2["an-phu"]
    label = re.search(r'aria-label="([^"]+)"', _row_html(page.text, "phu-huu"))
    assert label is not None
    assert label.group(1) == "Theo tháng: tháng 4: 100%; tháng 5: 100%; tháng 6: chưa có số liệu"
    assert 'href="/chi-tieu?don_vi=phu-huu&amp;nam=2020&amp;quy=2"' in page.text


def test_the_workbook_downloads_with_the_same_ranks(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    assert sign_in(STAFF).status_code == 303
    page = client.get("/tinh/chi-so?nam=2020&chi_so=online_rate").text
    link = re.search(r'<a class="button" id="tai-xlsx" href="([^"]+)"', page)
    assert link is not None
    book_file = client.get(link.group(1).replace("&amp;", "&"))
    assert book_file.status_code == 200, book_file.text[:500]
    disposition = book_file.headers["content-disposition"]
    assert disposition.startswith("attachment") and "chi-so-tp-hcm-2020.xlsx" in disposition
    book = load_workbook(io.BytesIO(book_file.content))
    assert len(book.sheetnames) == 8 and book.active.title == "online_rate"  # type: ignore[union-attr]
    sheet = book["on_time_rate"]
    assert str(sheet["A1"].value).startswith("Xếp hạng: Tỷ lệ hồ sơ đúng hạn")
    shown = _rows(client.get("/tinh/chi-so?nam=2020").text)
    ranks = {sheet.cell(r, 2).value: sheet.cell(r, 1).value for r in range(3, sheet.max_row + 1)}
    assert list(ranks) == list(shown)
    for code, row in shown.items():
        rank = row.split()[0]
        assert ranks[code] == ("" if rank == "—" else int(rank)) or ranks[code] is None, code
    quarter = client.get("/tinh/chi-so.xlsx?nam=2020&quy=2&don_vi=tp-hcm")
    assert "chi-so-tp-hcm-2020-q2.xlsx" in quarter.headers["content-disposition"]
    q2 = load_workbook(io.BytesIO(quarter.content))["on_time_rate"]
    assert [q2.cell(r, 2).value for r in (3, 4)] == ["phu-huu", "an-phu"]


def test_bad_input_is_a_clear_page(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    assert sign_in(STAFF).status_code == 303
    for query, status, words in (
        ("nam=20x0", 422, "nam"),
        ("quy=5", 422, "quy"),
        ("chi_so=nope", 422, "Không có chỉ số 'nope'"),
        ("don_vi=khong-co-don-vi", 404, "khong-co-don-vi"),
        ("don_vi=a%20b", 422, "don_vi"),
        ("nam=1800", 404, "1800"),
    ):
        for path in ("/tinh/chi-so", "/tinh/chi-so.xlsx"):
            page = client.get(f"{path}?{query}")
            assert page.status_code == status, (path, query, page.text[:500])
            assert words in _text(page.text), (path, query)
            assert "Traceback" not in page.text and "<h1>" in page.text
    assert "on_time_rate" in _text(client.get("/tinh/chi-so?chi_so=nope").text)  # the choices


def test_a_wards_officer_is_refused_and_a_district_reads_its_own_wards(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    assert sign_in(PHAT).status_code == 303
    assert client.get("/tinh/chi-so").status_code == 403
    assert client.get("/tinh/chi-so.xlsx?nam=2020").status_code == 403
    assert 'href="/tinh/chi-so"' not in client.get("/").text  # not in the ward's menu
    client.cookies.clear()
    assert sign_in(BINH).status_code == 303  # another ward's CCHC officer, on the district
    assert client.get("/tinh/chi-so?nam=2020&don_vi=quan-9").status_code == 403
    client.cookies.clear()
    assert sign_in(NHUNG).status_code == 303  # a ward has nothing below it
    nothing = client.get("/tinh/chi-so?nam=2020")
    assert nothing.status_code == 422 and "không có đơn vị trực thuộc" in nothing.text
    client.cookies.clear()
    assert sign_in(TUAN).status_code == 303  # the district: its own wards, not the city
    rows = _rows(client.get("/tinh/chi-so?nam=2020").text)
    assert list(rows) == ["phu-huu", "an-phu", "phu-huu-cu"]
    assert client.get("/tinh/chi-so?nam=2020&don_vi=tp-hcm").status_code == 403


def test_the_page_speaks_english_to_an_officer_who_prefers_it(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    from models import Officer

    with Session(engine) as s:
        officer = s.exec(select(Officer).where(Officer.email == STAFF)).one()
        officer.lang = "en"
        s.add(officer)
        s.commit()
    assert sign_in(STAFF).status_code == 303
    page = client.get("/tinh/chi-so?nam=2020&quy=2")
    text = _text(_main(page.text))
    assert "One-stop KPIs of the units of" in text and "On-time rate" in text
    rows = _rows(page.text)
    assert "100% (2/2) met" in rows["phu-huu"] and "0% (0/2) not met" in rows["an-phu"]
    label = re.search(r'aria-label="([^"]+)"', _row_html(page.text, "phu-huu"))
    assert label is not None and label.group(1).startswith("By month: month 4: 100%;")
    assert "Download Excel" in text and "Tỷ lệ" not in text and "chưa có số liệu" not in text
    book = client.get("/tinh/chi-so.xlsx?nam=2020")
    sheet = load_workbook(io.BytesIO(book.content))["on_time_rate"]
    assert str(sheet["A1"].value).startswith("Ranking: On-time rate")


def test_a_sparkline_reads_every_unit_on_one_scale_and_says_its_months() -> None:
    from web.charts import sparkline

    svg = str(sparkline([100.0, None, 50.0, 0.0], 'Theo tháng: <1> & "2"'))
    assert svg.startswith('<svg class="sparkline"') and 'role="img"' in svg
    assert 'aria-label="Theo tháng: &lt;1&gt; &amp; &quot;2&quot;"' in svg  # escaped, whole
    assert '<title>Theo tháng: &lt;1&gt; &amp; "2"</title>' in svg
    bars = re.findall(r'class="bar" x="\d+" y="[\d.]+" width="7" height="([\d.]+)"', svg)
    heights = [float(h) for h in bars]
    assert heights == [20.0, 10.0, 1.0]  # 100 %, 50 %, 0 % (a sliver: the month has data)
    assert svg.count('class="no-data"') == 1 and "<script" not in svg and "style" not in svg
