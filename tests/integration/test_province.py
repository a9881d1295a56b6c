"""The province's view on SQLite and PostgreSQL: a district (quan-9) with three wards, each
with the bundled plan materialised for 2020, some work done, one export file holding two
wards' dossiers. Each ward's row of the province's tables must say what the ward's own
reports say (``progress_board``, ``kpis``), and the statements run must not grow with the
number of units.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from application.access import Identity, Refused
from application.completeness import progress_board
from application.dossiers import import_dossiers
from application.province import province_kpis, province_progress
from application.uow import UnitOfWork
from domain.errors import CchcError
from storage.kpi_inputs import kpis
from storage.occurrences import materialise
from storage.plans import find_plan
from storage.units import get_unit
from tests.statements import count_statements

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2020, 7, 15, 9, 0, tzinfo=VN)
OPERATOR = Identity.operator("test")
WARDS = ("ward-a", "ward-b", "ward-c")
FIELDS = ("dat_dai", "ho_tich", "chung_thuc", "ho_kinh_doanh")
HEADER = (
    "ma_ho_so", "ma_don_vi", "ma_linh_vuc", "ten_thu_tuc", "ma_thu_tuc", "kenh_nop",
    "muc_do_dvc", "ngay_tiep_nhan", "ngay_hen_tra", "ngay_tra", "trang_thai",
    "tra_qua_buu_chinh", "danh_gia", "phieu_xin_loi",
)  # fmt: skip


def build(engine: Any, load: Any, wards: tuple[str, ...] = WARDS) -> None:
    """The wards (below quan-9, as the bundled plan places phu-huu), their year materialised,
    and some work: ward-a accepted its first occurrences on time; ward-b submitted late."""
    for code in wards:
        load(unit_code=code)
    with Session(engine, expire_on_commit=False) as session:
        for code in wards:
            plan_row = find_plan(session=session, unit_id=get_unit(code, session=session).id or 0)
            materialise(plan_row, session=session, actor="test",
                        now=dt.datetime(2020, 1, 1, 6, tzinfo=VN))  # fmt: skip
        session.commit()
    from sqlmodel import col, select

    from models import Occurrence

    with Session(engine, expire_on_commit=False) as session:
        for code, when in (("ward-a", dt.timedelta(days=-1)), ("ward-b", dt.timedelta(days=3))):
            if code not in wards:
                continue
            uid = get_unit(code, session=session).id
            first = session.exec(
                select(Occurrence)
                .where(Occurrence.unit_id == uid, col(Occurrence.due_at) < NOW)
                .order_by(col(Occurrence.due_date), col(Occurrence.task_code))
                .limit(4)
            ).all()
            for occ in first:
                occ.status = "accepted" if code == "ward-a" else "submitted"
                occ.submitted_at = occ.due_at + when
                session.add(occ)
        session.commit()


def export(path: Path, units: tuple[str, ...], seed: int = 3) -> Path:
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for i in range(240):
            unit = units[i % len(units)]
            received = dt.datetime(2020, 1, 2, 8) + dt.timedelta(hours=rnd.randrange(0, 24 * 200))
            due = received + dt.timedelta(days=rnd.randrange(1, 12))
            status = rnd.choices(("da_tra", "dang_xu_ly", "rut"), (85, 10, 5))[0]
            back = received + dt.timedelta(hours=rnd.randrange(2, 24 * 14))
            procedure = rnd.randrange(9)
            out.writerow(
                (
                    f"HS-{i:05d}", unit, FIELDS[procedure % len(FIELDS)],
                    f"Thủ tục {procedure}", f"TT{procedure}" if procedure % 3 else "",
                    rnd.choice(("truc_tiep", "truc_tuyen", "buu_chinh")), rnd.choice("234"),
                    received.isoformat(sep=" "), due.date().isoformat(),
                    back.isoformat(sep=" ") if status == "da_tra" else "", status,
                    rnd.choice(("", "1")), rnd.choice(("", "hai_long", "khong_hai_long")),
                    rnd.choice(("", "1")),
                )
            )  # fmt: skip
    return path


def test_each_ward_reads_as_its_own_progress_board(engine: Any, load: Any) -> None:
    build(engine, load)
    table = province_progress(UnitOfWork(engine), OPERATOR, NOW, unit="quan-9", year=2020)
    assert [u.code for u in table.units] == list(WARDS)
    assert table.areas[0][0] == "1" and table.areas[0][1].startswith("1. ")
    for row in table.units:
        board = progress_board(
            UnitOfWork(engine), OPERATOR, NOW, unit=row.code, year=2020, by=("area",)
        ).first
        assert row.progress == board.progress
        for group in board.groups:
            cell = row.cells[group.key]
            assert cell.documents == group.due_so_far, (row.code, group.key)
            assert cell.year == group.occurrences
        owed_by_area: dict[str, int] = {}
        for o in board.owed:
            area = next(
                x.area for x in board.occurrences if (x.task, x.period) == (o.task, o.period)
            )
            owed_by_area[area] = owed_by_area.get(area, 0) + 1
        assert {k: c.owing for k, c in row.cells.items() if c.owing} == owed_by_area
    a, b, c = table.units
    assert a.total.done == 4 and a.progress.done_on_time == 4
    assert b.total.done == 0 and b.progress.in_progress_late >= 4
    assert c.total.overdue == b.total.overdue + 4 == a.total.overdue + 4
    assert {u.assessment for u in table.units} == {"missing"}
    assert [u.code for u in table.not_submitted] == list(WARDS)
    # the whole city (tp-hcm, two levels up) reads the same wards
    city = province_progress(UnitOfWork(engine), OPERATOR, NOW, unit="tp-hcm", year=2020)
    assert [u.code for u in city.units] == ["quan-9", *WARDS]
    assert city.units[0].plan is None


def test_kpis_from_one_export_of_two_wards_rank_as_each_wards_own(
    engine: Any, load: Any, tmp_path: Path
) -> None:
    build(engine, load)
    path = export(tmp_path / "mot-cua.csv", ("ward-a", "ward-b"))
    import_dossiers(UnitOfWork(engine), OPERATOR, NOW, path=path)
    result = province_kpis(UnitOfWork(engine), OPERATOR, NOW, unit="quan-9", year=2020)
    assert result.months == tuple(range(1, 13))
    with Session(engine) as session:
        own = {
            code: kpis(session=session, unit_id=get_unit(code, session=session).id or 0,
                       start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31), now=NOW)
            for code in WARDS
        }  # fmt: skip
    for ranking in result.rankings:
        rows = {r.unit: r for r in ranking.rows}
        for code in WARDS:
            assert rows[code].rate == own[code].kpis[ranking.kpi].overall, (ranking.kpi, code)
        assert rows["ward-c"].rank is None and ranking.rows[-1].unit == "ward-c"
        ranked = [r for r in ranking.rows if r.rank is not None]
        values = [r.rate.value for r in ranked]
        assert values == sorted(values, reverse=True)  # type: ignore[type-var]
    # every KPI per field, and each month, as the ward's own report over that month
    from storage.province_kpis import kpis_by_unit

    with Session(engine) as session:
        ids = {code: get_unit(code, session=session).id or 0 for code in WARDS}
        days = {uid: dt.date(2020, 7, 15) for uid in ids.values()}
        grouped = kpis_by_unit(list(ids.values()), session=session, start=dt.date(2020, 1, 1),
                               end=dt.date(2020, 12, 31), todays=days)  # fmt: skip
        for code, uid in ids.items():
            assert dict(grouped[uid].kpis) == dict(own[code].kpis), code
        for month in (3, 6):
            first = dt.date(2020, month, 1)
            last = dt.date(2020, month + 1, 1) - dt.timedelta(days=1)
            alone = kpis(session=session, unit_id=ids["ward-a"], start=first, end=last, now=NOW)
            for name, series in grouped[ids["ward-a"]].months.items():
                assert series[month - 1] == alone.kpis[name].overall, (name, month)
    # an apology slip recorded for a dossier still waiting, past its appointment: the
    # ranking's apology coverage follows at once, as the ward's own report does
    from sqlmodel import col, select

    from models import Dossier
    from storage.apology_slips import record_slip

    with Session(engine) as session:
        waiting = session.exec(
            select(Dossier).where(
                Dossier.unit_id == ids["ward-a"], col(Dossier.tra_day).is_(None),
                Dossier.trang_thai == "dang_xu_ly", col(Dossier.phieu_xin_loi).is_(False),
                col(Dossier.hen_tra_day) < dt.date(2020, 7, 1),
            ).order_by(col(Dossier.hen_tra_day))
        ).first()  # fmt: skip
        assert waiting is not None
        record_slip(waiting, session=session, issued_on=waiting.hen_tra_day - dt.timedelta(days=1),
                    new_appointment=waiting.hen_tra_day + dt.timedelta(days=5), actor="test",
                    now=NOW)  # fmt: skip
        session.commit()
    after = province_kpis(UnitOfWork(engine), OPERATOR, NOW, unit="quan-9", year=2020)

    def coverage(found: Any) -> Any:
        ranking = next(r for r in found.rankings if r.kpi == "apology_coverage")
        return next(r for r in ranking.rows if r.unit == "ward-a").rate

    assert coverage(after).numerator == coverage(result).numerator + 1
    with Session(engine) as session:
        own_a = kpis(session=session, unit_id=ids["ward-a"], start=dt.date(2020, 1, 1),
                     end=dt.date(2020, 12, 31), now=NOW)  # fmt: skip
    assert coverage(after) == own_a.kpis["apology_coverage"].overall
    on_time = next(r for r in result.rankings if r.kpi == "on_time_rate")
    a = next(r for r in on_time.rows if r.unit == "ward-a")
    assert {code for code, _ in a.targets} == {"T2.2a", "T2.2b"}
    assert a.verdict in ("met", "not_met") and len(a.months) == 12
    assert len(a.sparkline) == 12
    # a quarter: three months, the same counts as the ward's own report over the quarter
    q2 = province_kpis(
        UnitOfWork(engine), OPERATOR, NOW, unit="quan-9", year=2020, quarter=2, kpi="online_rate"
    )
    assert q2.months == (4, 5, 6) and [r.kpi for r in q2.rankings] == ["online_rate"]
    with Session(engine) as session:
        uid = get_unit("ward-b", session=session).id or 0
        mine = kpis(session=session, unit_id=uid, start=dt.date(2020, 4, 1),
                    end=dt.date(2020, 6, 30), now=NOW)  # fmt: skip
    b = next(r for r in q2.rankings[0].rows if r.unit == "ward-b")
    assert b.rate == mine.kpis["online_rate"].overall


def test_statements_do_not_grow_with_the_units(engine: Any, load: Any, tmp_path: Path) -> None:
    build(engine, load, ("ward-a", "ward-b"))
    import_dossiers(UnitOfWork(engine), OPERATOR, NOW, path=export(tmp_path / "a.csv", ("ward-a",)))

    def views() -> tuple[int, int]:
        progress = count_statements(engine, lambda: province_progress(
            UnitOfWork(engine), OPERATOR, NOW, unit="quan-9", year=2020))  # fmt: skip
        ranking = count_statements(engine, lambda: province_kpis(
            UnitOfWork(engine), OPERATOR, NOW, unit="quan-9", year=2020))  # fmt: skip
        return progress, ranking

    two = views()
    build(engine, load, ("ward-c", "ward-d", "ward-e"))
    import_dossiers(UnitOfWork(engine), OPERATOR, NOW,
                    path=export(tmp_path / "b.csv", ("ward-c", "ward-d"), seed=5))  # fmt: skip
    five = views()
    assert five == two


def test_statements_do_not_grow_with_the_depth_of_the_tree(engine: Any, load: Any) -> None:
    """The same wards read from their district or from the city two levels up: the parent's
    chain (for the self-assessment deadline set above it) is read with the units."""
    build(engine, load, ("ward-a", "ward-b"))

    def progress(unit: str) -> int:
        return count_statements(engine, lambda: province_progress(
            UnitOfWork(engine), OPERATOR, NOW, unit=unit, year=2020))  # fmt: skip

    assert progress("tp-hcm") == progress("quan-9")


def test_who_may_follow_the_units_and_what_is_refused(engine: Any, load: Any) -> None:
    build(engine, load, ("ward-a",))
    stranger = Identity.officer("nguoi.la@example.com")
    with pytest.raises(Refused):
        province_progress(UnitOfWork(engine), stranger, NOW, unit="quan-9", year=2020)
    with pytest.raises(CchcError) as bad:
        province_kpis(UnitOfWork(engine), OPERATOR, NOW, unit="quan-9", year=2020, kpi="nope")
    assert "on_time_rate" in bad.value.render("vi")
    with pytest.raises(CchcError) as empty:
        province_progress(UnitOfWork(engine), OPERATOR, NOW, unit="ward-a", year=2020)
    assert "ward-a" in empty.value.render("vi")


def test_the_province_staff_follow_every_unit_below_their_province(engine: Any, load: Any) -> None:
    """A province officer holds no position of a ward's plan: their role at tp-hcm (above
    quan-9) lets them read the units below it, and nothing once it has ended."""
    from application.appraisal import grant_role
    from storage.officers import add_officer

    build(engine, load, ("ward-a", "ward-b"))
    staff = Identity.officer("so.noi.vu@hcm.gov.vn")
    with Session(engine) as session:
        city = get_unit("tp-hcm", session=session).id or 0
        add_officer("Sở Nội vụ", staff.name, session=session, unit_id=city, actor="t", now=NOW)
        session.commit()
    with pytest.raises(Refused):
        province_progress(UnitOfWork(engine), staff, NOW, unit="quan-9", year=2020)
    grant_role(UnitOfWork(engine), OPERATOR, NOW, unit="tp-hcm", email=staff.name,
               role="province_staff", start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31))  # fmt: skip
    seen = province_progress(UnitOfWork(engine), staff, NOW, unit="quan-9", year=2020)
    assert [u.code for u in seen.units] == ["ward-a", "ward-b"]
    later = dt.datetime(2021, 2, 1, 9, 0, tzinfo=VN)
    with pytest.raises(Refused):
        province_progress(UnitOfWork(engine), staff, later, unit="quan-9", year=2020)


def test_the_units_are_those_of_the_year(engine: Any, load: Any) -> None:
    """ward-a merged into a new ward mid-2020: the 2020 tables list both, with ward-a's
    first half-year; 2021's has the new ward and not ward-a; a ward that begins in 2021 is
    not in 2020's."""
    from application.unit_mergers import merge_units

    build(engine, load, ("ward-a", "ward-b"))
    merge_units(UnitOfWork(engine), OPERATOR, NOW, units=["ward-a"], into="ward-ab",
                on=dt.date(2020, 7, 1), name="Phường AB", parent="quan-9")  # fmt: skip
    merge_units(UnitOfWork(engine), OPERATOR, NOW, units=["ward-b"], into="ward-new",
                on=dt.date(2021, 1, 1), name="Phường Mới", parent="quan-9")  # fmt: skip
    year = province_progress(UnitOfWork(engine), OPERATOR, NOW, unit="quan-9", year=2020)
    assert [u.code for u in year.units] == ["ward-a", "ward-ab", "ward-b"]
    a = year.units[0]
    assert a.plan is not None and a.total.done == 4
    ranking = province_kpis(UnitOfWork(engine), OPERATOR, NOW, unit="quan-9", year=2020)
    assert {r.unit for r in ranking.rankings[0].rows} == {"ward-a", "ward-ab", "ward-b"}
    later = dt.datetime(2021, 3, 1, 9, 0, tzinfo=VN)
    next_year = province_progress(UnitOfWork(engine), OPERATOR, later, unit="quan-9", year=2021)
    assert [u.code for u in next_year.units] == ["ward-ab", "ward-new"]
