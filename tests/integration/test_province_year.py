"""A province's year on a real database (SQLite and PostgreSQL), through the command line as
its officers type it: five wards of Quận 1 from a unit file, the province's template derived to
each (one overlay), two wards merged on 1 July into a new ward that gets its plan from the
template, a revised template previewed then applied, every ward's self-assessment, the
council's two rounds with the wards' explanations in between, publication and the ranking —
what a province officer would notice: ranks and grades, who was told, what is locked, and an
audit log that still verifies.

The steps are those of ``make demo-province`` (cchc/demo_province.py) without the replayed
year's day-by-day work, so the test stays under a minute per database.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, col, create_engine, select

from cchc import demo_province as dp
from models import Occurrence, OutboxMessage
from tests.conftest import run_cli

pytestmark = pytest.mark.simulation

TAN_DINH, DA_KAO, BEN_NGHE = "26734", "26737", "26740"
NEW = dp.NEW[0]
Y = ("--year", dp.YEAR)


def flat(text: str) -> str:
    return " ".join(text.split())


def connections(db_url: str) -> list[str]:
    """The other sessions still open on the test's PostgreSQL database (none on SQLite):
    what each last ran. A connection closed a moment ago may take the server a few
    milliseconds to end: asked again for up to two seconds (a connection left open stays)."""
    if not db_url.startswith("postgresql"):
        return []
    import time

    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        for _ in range(40):
            rows = conn.execute(
                "SELECT state, left(query, 60) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
            if not rows:
                return []
            time.sleep(0.05)
    return [f"{state}: {query}" for state, query in rows]


class Cli:
    """``cchc …`` in this process; every step must succeed unless ``fails`` says otherwise,
    and give back every database connection it opened (an installation's CLI called by a
    long-running process — the demos, a scheduler — must not leave one behind each time)."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.out: list[str] = []

    def _run(self, args: tuple[str, ...]) -> tuple[int, str, str]:
        code, out, err = run_cli(list(args))
        left = connections(self.db_url)
        assert not left, f"cchc {' '.join(args)} left a connection open: {left}"
        return code, out, err

    def __call__(self, *args: str) -> str:
        code, out, err = self._run(args)
        assert code == 0, f"cchc {' '.join(args)}: {err or out}"
        self.out.append(out)
        return out

    def fails(self, *args: str) -> str:
        code, out, err = self._run(args)
        assert code == 1 and "Traceback" not in err, f"cchc {' '.join(args)}: {code} {out} {err}"
        return flat(err)


@pytest.fixture
def home(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("CCHC_HOME", str(home))
    monkeypatch.setenv("CCHC_DATABASE_URL", db_url)
    monkeypatch.delenv("CCHC_LANG", raising=False)
    monkeypatch.delenv("CCHC_USER", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return home


def occurrences(db_url: str, unit_code: str, task: str) -> dict[str, str]:
    from storage.units import get_unit

    engine = create_engine(db_url)
    try:
        with Session(engine) as session:
            uid = get_unit(unit_code, session=session).id
            rows = session.exec(
                select(Occurrence).where(Occurrence.unit_id == uid, Occurrence.task_code == task)
            ).all()
            return {o.period: o.status for o in rows}
    finally:
        engine.dispose()


def told(db_url: str) -> dict[str, int]:
    """Appraisal messages in the outbox, by recipient."""
    engine = create_engine(db_url)
    try:
        with Session(engine) as session:
            rows = session.exec(
                select(OutboxMessage.recipient).where(col(OutboxMessage.kind) == "appraisal")
            ).all()
    finally:
        engine.dispose()
    out: dict[str, int] = {}
    for r in rows:
        out[r] = out.get(r, 0) + 1
    return out


def test_a_province_year_from_units_to_ranking(home: Path, db_url: str) -> None:
    cli = Cli(db_url)
    dp.set_up(cli, home)
    assert "5 nhiệm vụ" in cli.out[4]  # Tân Định's overlay adds its own task (dry run)
    # the five wards' years scheduled by one command (`--unit` five times)
    scheduled = flat(cli.out[-1])
    assert "Đã lập lịch thực hiện kế hoạch cho 5 đơn vị." in scheduled
    assert all(f"({code}): Kế hoạch KH-CCHC-2020: tạo " in scheduled for code, *_ in dp.WARDS)

    # the merger: the two wards end on 30 June, their work due from 1 July is cancelled, the
    # new ward is made, gets its plan from the template and its officers
    assert occurrences(db_url, "26743", "II.1.2")["2020-Q3"] == "open"
    dp.merge(cli, home)
    merged = flat(cli.out[-5])
    assert "Đã sáp nhập 26743, 26746 vào 26745" in merged and "đến hết ngày 30/06/2020" in merged
    # the merged wards' plans came from the province's template: so does the new ward's
    assert "từ kế hoạch mẫu KH-CCHC-2020" in merged and "plan load" not in merged
    assert "cchc plan derive TỆP-KẾ-HOẠCH-MẪU --units 26745" in merged
    assert occurrences(db_url, "26743", "II.1.2")["2020-Q3"] == "cancelled"
    assert occurrences(db_url, "26743", "II.1.2")["2020-Q1"] == "open"  # before: left, listed
    assert "Phường Bến Thành mới (26745): lập mới kế hoạch KH-CCHC-2020" in cli.out[-4]
    shown = flat(cli.out[-1])
    assert "Sáp nhập từ: 26743 Phường Bến Thành" in shown and "Kế hoạch: KH-CCHC-2020" in shown

    # the revised template: the preview writes nothing, then every ward follows it; the task
    # dropped is archived, its work still ahead cancelled, Tân Định's overlay kept; the merged
    # wards (derived from the template too) are skipped, saying why, their history untouched
    before = occurrences(db_url, TAN_DINH, "II.1.3")
    merged_before = {ward: occurrences(db_url, ward, "II.1.3") for ward in dp.MERGED}
    dp.revise_template(cli, home)
    preview, applied = flat(cli.out[-2]), flat(cli.out[-1])
    assert "không ghi gì vào cơ sở dữ liệu" in preview
    assert "lưu trữ 1 nhiệm vụ (không còn trong mẫu): II.1.3" in preview
    assert "giữ phần điều chỉnh đã lưu của đơn vị: 26734.yaml" in applied
    for ward in (TAN_DINH, DA_KAO, BEN_NGHE, NEW):
        assert f"({ward}): kế hoạch KH-CCHC-2020 thay đổi" in applied
    for text in (preview, applied):
        assert (
            "Phường Bến Thành (26743): không lập lại kế hoạch — đơn vị đã sáp nhập vào "
            "Phường Bến Thành mới (26745) từ ngày 01/07/2020; kế hoạch và lịch sử của đơn vị "
            "giữ nguyên" in text
        )
        assert "Phường Nguyễn Thái Bình (26746): không lập lại kế hoạch" in text
        assert "(26743): kế hoạch" not in text and "(26746): kế hoạch" not in text
    assert "Đã lập kế hoạch cho 4 đơn vị." in applied
    after = occurrences(db_url, TAN_DINH, "II.1.3")
    assert before["2020-Q1"] == after["2020-Q1"] == "open"  # past its deadline: left as it was
    assert after["2020-Q4"] == "cancelled"
    assert {ward: occurrences(db_url, ward, "II.1.3") for ward in dp.MERGED} == merged_before
    kept = json.loads(cli("plan", "show", "--unit", "26743", "--json"))
    assert kept["origin"]["template"]["version"] == "1"  # still the template it was derived from

    # the province's progress in December: the merged wards' half year stays listed; they
    # owe no self-assessment, the four wards in force do
    progress = json.loads(
        cli("province", "progress", "--unit", dp.CITY, *Y, "--now", "2020-12-15T09:00", "--json")
    )
    rows = {u["unit"]: u for u in progress["units"]}
    assert rows["26743"]["assessment"] == "merged" and rows["26743"]["total"]["due_so_far"] > 0
    assert rows["26743"]["ended"]["into"] == NEW
    assert set(progress["not_submitted"]) == {TAN_DINH, DA_KAO, BEN_NGHE, NEW}
    shown = flat(cli("province", "progress", "--unit", dp.CITY, *Y, "--now", "2020-12-15T09:00"))
    assert "4 đơn vị chưa nộp tự đánh giá" in shown
    assert "• 26743" not in shown and "sáp nhập vào Phường Bến Thành mới (26745)" in shown
    # the new ward's scorecard can count the merged wards' half year; its own entries only
    score = ("par", "score", "--unit", NEW, *Y, "--now", "2020-12-15T09:00")
    own, whole = json.loads(cli(*score, "--json")), cli(*score, "--with-predecessors")
    assert "predecessors" not in own
    assert "Gồm cả lịch sử của đơn vị đã sáp nhập: 26743, 26746." in flat(whole)

    # the wards assess themselves and submit; the council appraises in two rounds
    dp.self_assess(cli, home, db_url)
    dp.council(cli, home, db_url)

    ranking = json.loads(
        cli(
            "appraisal",
            "ranking",
            "--unit",
            dp.CITY,
            *Y,
            "--now",
            dp.PUBLISH_AT,
            "--as",
            dp.STAFF[1],
            "--json",
        )
    )
    lines = {line["unit"]: line for line in ranking["units"]}
    ranked = sorted((u for u in lines if lines[u]["rank"]), key=lambda u: lines[u]["rank"])
    assert ranked == [TAN_DINH, BEN_NGHE, DA_KAO, NEW]
    assert all(lines[u]["stage"] == "published" and lines[u]["grade"] for u in ranked)
    # the merged wards no longer existed at the end of 2020: listed as merged, never ranked
    # and never "no self-assessment"
    for ward in dp.MERGED:
        assert lines[ward]["rank"] is None and lines[ward]["stage"] == "merged"
        assert lines[ward]["ended"] == {
            "into": NEW, "into_name": dp.NEW[1], "on": "2020-07-01", "kind": "merge"
        }  # fmt: skip
    assert [u["unit"] for u in ranking["units"]][-2:] == list(dp.MERGED)  # after the others
    table = flat(cli("appraisal", "ranking", "--unit", dp.CITY, *Y, "--now", dp.PUBLISH_AT,
                     "--as", dp.STAFF[1], "--xlsx", str(home / "xh.xlsx"),
                     "--docx", str(home / "xh.docx")))  # fmt: skip
    assert "sáp nhập vào Phường Bến Thành mới (26745) từ ngày 01/07/2020" in table
    assert "chưa có bản tự đánh giá" not in table
    sheet = load_workbook(home / "xh.xlsx").worksheets[0]
    stages = {sheet.cell(r, 2).value: sheet.cell(r, 9).value for r in range(3, sheet.max_row + 1)}
    assert stages["26746"] == "sáp nhập vào Phường Bến Thành mới (26745) từ ngày 01/07/2020"
    with zipfile.ZipFile(home / "xh.docx") as z:
        document = re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode())
    assert "của 4/4 đơn vị như sau" in document
    assert (
        "Phường Bến Thành (26743) không xếp hạng năm 2020: sáp nhập vào Phường Bến Thành mới "
        "(26745) từ ngày 01/07/2020." in document
    )
    # the year before, the wards ranked were the five of 2019; the new ward did not exist
    earlier = json.loads(
        cli("appraisal", "ranking", "--unit", dp.CITY, "--year", "2019", "--now", dp.PUBLISH_AT,
            "--as", dp.STAFF[1], "--json")
    )  # fmt: skip
    assert [(u["unit"], u["stage"]) for u in earlier["units"]] == [
        (w[0], "missing") for w in dp.WARDS
    ]
    # Tân Định's explanation was accepted in round 2: 3.2.1 counts 1 point, not round 1's 0.5
    shown = json.loads(
        cli(
            "appraisal",
            "show",
            "--unit",
            TAN_DINH,
            *Y,
            "--now",
            dp.PUBLISH_AT,
            "--as",
            dp.cchc_officer(TAN_DINH),
            "--json",
        )
    )
    item = next(i for i in shown["items"] if i["code"] == "3.2.1")
    assert (item["round1"], item["round2"]) == (0.5, 1)

    # who was told: each ranked ward's chairman and CCHC officer, at every step
    heard = told(db_url)
    for ward in ranked:
        assert heard.get(dp.chairman(ward), 0) >= 4 and heard.get(dp.cchc_officer(ward), 0) >= 4
    assert dp.STAFF[1] not in heard

    # what is locked once published: appraisers, the unit's explanation and reopening; a ward
    # never reads another ward's appraisal; the ranking is the province's
    at = ("--now", "2021-02-01T09:00")
    assert "«đã công bố»; không thể chấm điểm thẩm định lúc này" in cli.fails(
        "appraisal", "score", "3.2.1", "--unit", TAN_DINH, *Y, "--points", "0", *at,
        "--as", dp.AREA3[1])  # fmt: skip
    cli.fails("appraisal", "explain", "1.1.1", "--unit", NEW, *Y, "--text", "bổ sung", *at,
              "--as", dp.cchc_officer(NEW))  # fmt: skip
    cli.fails("par", "reopen", *Y, "--unit", NEW, "--reason", "sửa", *at, "--as", dp.chairman(NEW))
    assert "Không được phép" in cli.fails(
        "appraisal", "show", "--unit", NEW, *Y, *at, "--as", dp.cchc_officer(TAN_DINH)
    )
    assert "Không được phép" in cli.fails(
        "appraisal", "ranking", "--unit", dp.CITY, *Y, *at, "--as", dp.chairman(TAN_DINH)
    )

    # a submitted scorecard is the snapshot submitted: the merged wards' history is not added
    assert "Bảng điểm đã nộp giữ nguyên như lúc nộp" in flat(cli(*score, "--with-predecessors"))

    # the audit log holds, the appraisal's scores included
    assert "Traceback" not in cli("audit", "verify")
