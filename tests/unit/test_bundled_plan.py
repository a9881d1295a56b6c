"""The bundled 2020 plan of UBND phường Phú Hữu, checked against the published plan text.

Expected values are read from the seed text itself (sections I.2, II and IV), so the
data file cannot drift from what the ward published.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SEED = Path("/work/shared/seed/000_eec51c667940c631.txt")
OUTSIDE_COMMITTEE = {"fatherland_front", "peoples_council", "party_mass_mobilisation"}


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"seed text not available: {SEED}")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def section_iv(seed_text: str) -> str:
    start = seed_text.index("IV. TỔ CHỨC THỰC HIỆN")
    return seed_text[start : seed_text.index("Nguồn: UBND phường", start)]


@pytest.fixture(scope="module")
def section_ii(seed_text: str) -> str:
    start = seed_text.index("II. NHIỆM VỤ")
    return seed_text[start : seed_text.index("\nIII.", start)]


def numbered(section: str) -> list[tuple[str, str]]:
    """``(n.m, title)`` for each line of the form ``n.m. Title.`` or ``n.m Title.``."""
    out = []
    for line in section.splitlines():
        m = re.match(r"^(\d+)\.(\d+)\.?\s+(.+?)\s*$", line)
        if m:
            out.append((f"{m[1]}.{m[2]}", m[3].rstrip(".").strip()))
    return out


def task(plan, code: str):  # type: ignore[no-untyped-def]
    return next(t for t in plan.tasks if t.code == code)


def target(plan, code: str):  # type: ignore[no-untyped-def]
    return next(t for t in plan.targets if t.code == code)


# --- section I.2: targets ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "metric", "op", "value", "scope", "figure"),
    [
        ("T2.1a", "satisfaction_rate", ">", 95, {}, "trên 95%"),
        ("T2.1b", "manual", ">=", 100, {}, "100% Bộ phận Tiếp nhận"),
        ("T2.2a", "on_time_rate", ">=", 98, {"field": "dat_dai"}, "nhà đất đạt 98% trở lên"),
        (
            "T2.2b",
            "on_time_rate",
            ">=",
            100,
            {"fields_except": ["dat_dai"], "each": True},
            "còn lại: đạt 100%",
        ),
        ("T2.3a", "online_procedure_share", ">", 30, {}, "mức độ 4: trên 30%"),
        ("T2.3b", "online_dossier_share", ">", 30, {}, "giải quyết TTHC: trên 30%"),
        ("T2.3c", "manual", ">=", 100, {}, "thành phố: 100% hồ sơ"),
        ("T2.3d", "household_business_online_rate", ">=", 40, {}, "từ 40% trở lên"),
        ("T2.4", "postal_return_rate", ">=", 15, {}, "bưu chính công: 15%"),
        ("T2.5", "manual", ">=", 100, {}, "2.5. 100% văn bản"),
        ("T2.6", "manual", ">=", 100, {}, "2.6. 100% cán bộ"),
    ],
)
def test_target_carries_the_plan_figure(
    bundled_plan,
    seed_text: str,
    code: str,
    metric: str,
    op: str,
    value: float,
    scope: dict,
    figure: str,  # type: ignore[no-untyped-def]
) -> None:
    assert figure in seed_text  # the figure really is the plan's
    t = target(bundled_plan, code)
    assert (t.metric, t.op, t.value, t.scope) == (metric, op, value, scope)
    assert t.unit == "%"


def test_head_responsibility_target_has_no_figure(bundled_plan) -> None:  # type: ignore[no-untyped-def]
    t = target(bundled_plan, "T2.7")
    assert (t.metric, t.op, t.value) == ("manual", None, None)


def test_every_i2_item_has_a_target(bundled_plan, seed_text: str) -> None:  # type: ignore[no-untyped-def]
    start = seed_text.index("2. Chỉ tiêu cụ thể")
    section = seed_text[start : seed_text.index("\nII. ", start)]
    headings = {n for n, _ in numbered(section)}
    assert headings == {f"2.{i}" for i in range(1, 8)}
    codes = {t.code for t in bundled_plan.targets}
    for heading in headings:
        assert any(c == f"T{heading}" or c.startswith(f"T{heading}") for c in codes), heading
    bullets = {"2.1": 2, "2.2": 2, "2.3": 4}  # items 2.1-2.3 have one target per bullet
    for heading, n in bullets.items():
        assert len([c for c in codes if re.fullmatch(rf"T{heading}[a-z]", c)]) == n


def test_target_titles_quote_the_plan(bundled_plan, seed_text: str) -> None:  # type: ignore[no-untyped-def]
    for t in bundled_plan.targets:
        tail = t.title.split(" – ")[-1]
        assert tail in seed_text, t.code


# --- section II: tasks ----------------------------------------------------------------------


def test_exactly_forty_tasks_numbered_as_in_the_plan(bundled_plan, section_ii: str) -> None:  # type: ignore[no-untyped-def]
    expected = [f"II.{n}" for n, _ in numbered(section_ii)]
    assert len(expected) == 40
    assert [t.code for t in bundled_plan.tasks] == expected


def test_task_titles_are_the_plan_wording(bundled_plan, section_ii: str) -> None:  # type: ignore[no-untyped-def]
    titles = {f"II.{n}": title for n, title in numbered(section_ii)}
    for t in bundled_plan.tasks:
        assert t.title in section_ii, t.code
        assert t.title == titles[t.code], t.code


def test_task_area_is_its_section_heading(bundled_plan) -> None:  # type: ignore[no-untyped-def]
    for t in bundled_plan.tasks:
        assert t.area == t.code.split(".")[1], t.code
    assert [a.code for a in bundled_plan.areas] == [str(n) for n in range(1, 10)]


# --- section IV: who leads -------------------------------------------------------------------


def in_area(plan, area: str):  # type: ignore[no-untyped-def]
    tasks = [t for t in plan.tasks if t.area == area]
    assert tasks
    return tasks


def test_institutional_reform_is_led_by_justice(bundled_plan) -> None:  # type: ignore[no-untyped-def]
    assert {t.lead for t in in_area(bundled_plan, "2")} == {"justice"}


def test_public_finance_is_led_by_accounting(bundled_plan) -> None:  # type: ignore[no-untyped-def]
    assert {t.lead for t in in_area(bundled_plan, "6")} == {"accounting"}


def test_communication_is_led_by_the_reform_officer_with_culture_support(
    bundled_plan, section_iv: str
) -> None:  # type: ignore[no-untyped-def]
    # IV.6: the culture officer cooperates with (supports) the reform officer
    assert "Văn hóa và Thông tin: phối hợp với cán bộ phụ trách công tác CCHC" in section_iv
    for t in in_area(bundled_plan, "9"):
        assert t.lead == "cchc_officer", t.code
        assert "culture_info" in t.support, t.code
        assert "support" not in t.inferred, t.code


@pytest.mark.parametrize("code", ["II.1.1", "II.1.2"])
def test_chairman_leads_direction(bundled_plan, code: str) -> None:  # type: ignore[no-untyped-def]
    assert task(bundled_plan, code).lead == "chairman"


@pytest.mark.parametrize("code", ["II.8.1", "II.8.2", "II.8.4"])
def test_one_stop_desk_leads_satisfaction_work(bundled_plan, code: str) -> None:  # type: ignore[no-untyped-def]
    t = task(bundled_plan, code)
    assert t.lead == "one_stop"
    assert "cchc_officer" in t.support


@pytest.mark.parametrize(
    ("code", "lead"),
    [
        ("II.3.5", "cchc_officer"),  # IV.3: the one-stop mechanism is the reform officer's
        ("II.3.8", "one_stop"),
        ("II.3.1", "cchc_officer"),
        ("II.3.9", "cchc_officer"),
    ],
)
def test_procedure_reform_leads(bundled_plan, code: str, lead: str) -> None:  # type: ignore[no-untyped-def]
    assert task(bundled_plan, code).lead == lead


def test_every_chain_of_command_ends_at_the_chairman(bundled_plan) -> None:  # type: ignore[no-untyped-def]
    for role in bundled_plan.roles:
        if role.code in OUTSIDE_COMMITTEE:
            continue
        assert bundled_plan.chain(role.code)[-1] == "chairman", role.code
    assert bundled_plan.role("chairman").reports_to is None


def test_bodies_outside_the_committee_report_to_no_one(bundled_plan) -> None:  # type: ignore[no-untyped-def]
    for code in sorted(OUTSIDE_COMMITTEE):
        assert bundled_plan.role(code).reports_to is None
    assert not [t.code for t in bundled_plan.tasks if t.lead in OUTSIDE_COMMITTEE]


# --- completeness --------------------------------------------------------------------------------


def test_every_task_has_evidence_and_known_criteria(bundled_plan, bundled_framework) -> None:  # type: ignore[no-untyped-def]
    items = {i.code for i in bundled_framework.items()}
    for t in bundled_plan.tasks:
        assert t.evidence, t.code
        assert t.criteria, t.code
        assert set(t.criteria) <= items, (t.code, set(t.criteria) - items)


def test_inferred_tasks_explain_themselves(bundled_plan) -> None:  # type: ignore[no-untyped-def]
    inferred = [t for t in bundled_plan.tasks if t.source == "inferred"]
    assert inferred
    for t in inferred:
        assert t.note.strip(), t.code


def test_every_recurrence_kind_is_used(bundled_plan) -> None:  # type: ignore[no-untyped-def]
    kinds = {t.schedule.every for t in bundled_plan.tasks}
    assert kinds == {"once", "week", "month", "quarter", "half_year", "year", "rrule"}


def test_plan_header_matches_the_text(bundled_plan, seed_text: str) -> None:  # type: ignore[no-untyped-def]
    assert bundled_plan.year == 2020
    assert bundled_plan.issued.isoformat() == "2020-04-10"
    assert "10/04/2020" in seed_text
    assert "Kế hoạch số 99/KH-UBND ngày 12/3/2020" in bundled_plan.basis[0]
    assert bundled_plan.basis[0].split(" về việc")[0].lower() in seed_text.lower()
    assert [u.code for u in bundled_plan.unit.chain()] == ["phu-huu", "quan-9", "tp-hcm"]


# --- provenance: which lead section IV gives, and what is our reading --------------------------

# every task whose lead section IV names, with the words of section IV that name it; any task
# not listed here must say that its lead is inferred
LEADS_FROM_IV = {
    "II.1.1": ("chairman", "Trực tiếp chỉ đạo, quản lý, đẩy mạnh công tác CCHC"),
    "II.1.2": ("chairman", "Chịu trách nhiệm cá nhân trước Đảng ủy"),
    "II.1.3": ("chairman", "các tiêu chí, tiêu chí thành phần của Chỉ số CCHC"),
    "II.1.4": ("chairman", "bình xét thi đua, khen thưởng"),
    "II.1.5": ("one_stop", "hướng dẫn người dân và các tổ chức đánh giá sự hài lòng"),
    "II.1.7": ("chairman", "xây dựng và tổ chức thực hiện kế hoạch CCHC"),
    "II.2.1": ("justice", "công tác xây dựng và ban hành văn bản"),
    "II.2.2": ("justice", "thực hiện cải cách thể chế"),
    "II.2.3": ("justice", "góp phần hoàn thiện pháp luật"),
    "II.2.4": ("justice", "theo dõi tình hình thi hành pháp luật"),
    "II.3.1": ("cchc_officer", "Thực hiện công tác kiểm soát thủ tục hành chính"),
    "II.3.2": ("cchc_officer", "Thực hiện công tác kiểm soát thủ tục hành chính"),
    "II.3.3": ("cchc_officer", "triển khai ứng dụng công nghệ thông tin"),
    "II.3.4": ("cchc_officer", "cơ chế một cửa, một cửa liên thông"),
    "II.3.5": ("cchc_officer", "cơ chế một cửa, một cửa liên thông"),
    "II.3.7": ("cchc_officer", "Thực hiện công tác kiểm soát thủ tục hành chính"),
    "II.3.8": ("one_stop", "tránh trường hợp hồ sơ bị trể hẹn"),
    "II.3.9": ("cchc_officer", "Tiếp nhận và xử lý phản ánh kiến nghị"),
    "II.6.1": ("accounting", "triển khai các văn bản có liên quan về Cải cách tài chính công"),
    "II.7.1": ("cchc_officer", "triển khai ứng dụng công nghệ thông tin"),
    "II.7.2": ("cchc_officer", "triển khai ứng dụng công nghệ thông tin"),
    "II.7.3": ("cchc_officer", "triển khai ứng dụng công nghệ thông tin"),
    "II.7.4": ("cchc_officer", "ISO điện tử"),
    "II.8.1": ("one_stop", "hướng dẫn người dân và các tổ chức đánh giá sự hài lòng"),
    "II.8.4": ("one_stop", "hoàn thành tốt công tác chuyên môn"),
    "II.9.1": ("cchc_officer", "cung cấp tài liệu thực hiện công tác tuyên truyền về CCHC"),
}


def test_every_lead_follows_section_iv_or_is_marked_inferred(bundled_plan, section_iv: str) -> None:  # type: ignore[no-untyped-def]
    for t in bundled_plan.tasks:
        if t.code in LEADS_FROM_IV:
            lead, words = LEADS_FROM_IV[t.code]
            assert words in section_iv, t.code
            assert (t.lead, t.source) == (lead, "plan"), t.code
            assert not t.is_inferred("lead"), t.code
        else:
            assert t.source == "inferred" and "lead" in t.inferred, t.code
            assert "Lead inferred" in t.note or "names no one" in t.note, t.code


@pytest.mark.parametrize("code", ["II.1.6", "II.6.2", "II.9.2"])
def test_leads_section_iv_does_not_name_are_inferred(bundled_plan, code: str) -> None:  # type: ignore[no-untyped-def]
    assert task(bundled_plan, code).is_inferred("lead")


def test_every_task_says_its_schedule_due_and_evidence_are_inferred(bundled_plan) -> None:  # type: ignore[no-untyped-def]
    # the appendix with dates and outputs was not published
    for t in bundled_plan.tasks:
        assert {"due", "evidence", "approver"} <= set(t.inferred), t.code
    stated = {t.code for t in bundled_plan.tasks if "schedule" not in t.inferred}
    assert stated == {"II.5.3", "II.8.2"}  # "hàng quý", "theo tuần"


def test_goal_i15_is_a_target_compared_with_the_previous_year(bundled_plan, seed_text: str) -> None:  # type: ignore[no-untyped-def]
    t = target(bundled_plan, "T1.5")
    assert t.title in seed_text
    assert "năm 2020 cao hơn so với năm 2019" in t.title
    assert (t.metric, t.op, t.value, t.compare) == ("manual", ">", None, "previous_year")


def test_funding_is_section_iii(bundled_plan, seed_text: str, bundled_framework) -> None:  # type: ignore[no-untyped-def]
    funding = bundled_plan.funding
    assert funding is not None
    assert "được bố trí từ nguồn ngân sách nhà nước" in seed_text
    assert [(s.kind, s.amount) for s in funding.sources] == [("state_budget", None)]
    items = {i.code: i for i in bundled_framework.items()}
    assert "kinh phí" in items[funding.criteria[0]].title


def test_emulation_and_supervision_duties_are_kept(bundled_plan, section_iv: str) -> None:  # type: ignore[no-untyped-def]
    [emulation] = bundled_plan.role("chairman").duties
    assert emulation.ref == "IV.1.3"
    assert emulation.text in section_iv
    assert {"II.1.4", "II.6.1"} <= set(emulation.tasks)
    [supervision] = bundled_plan.role("peoples_council").duties
    assert supervision.ref == "IV.9"
    assert "giám sát việc triển khai công tác CCHC" in supervision.text
    assert supervision.text.lower() in section_iv.lower()


def test_positions_keep_the_plans_wording(bundled_plan, section_iv: str) -> None:  # type: ignore[no-untyped-def]
    for role in bundled_plan.roles:
        if role.source == "inferred":
            assert not role.wording, role.code  # the plan does not name it
            continue
        assert role.wording and role.wording in section_iv, role.code


def test_issued_is_marked_inferred(bundled_plan) -> None:  # type: ignore[no-untyped-def]
    # 10/04/2020 is the date the plan was posted, not its signing date
    assert bundled_plan.inferred == ("issued",)
