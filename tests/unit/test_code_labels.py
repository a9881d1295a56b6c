"""Codes shown by their names: fields, frequencies, metrics, targets (issue 11)."""

from __future__ import annotations

import pytest

from domain.labels import every_label, field_label, metric_label, position_label, target_wording
from domain.plan import EVERY, Role, Target


def test_a_dossier_field_reads_as_the_one_stop_system_names_it() -> None:
    assert field_label("dat_dai") == "Đất đai"
    assert field_label("chung_thuc", "en") == "Chứng thực"  # a proper name in both languages
    assert field_label("truc_tuyen", column="kenh_nop") == "Trực tuyến"
    assert field_label("da_tra", column="trang_thai") == "Đã trả kết quả"
    assert field_label("a_units_own_field") == "a_units_own_field"  # unknown: as given


@pytest.mark.parametrize(
    ("every", "vi", "en"),
    [
        ("week", "hằng tuần", "weekly"),
        ("half_year", "6 tháng", "half-yearly"),
        ("rrule", "theo lịch riêng", "own schedule"),
        ("once", "một lần", "once"),
    ],
)
def test_a_frequency_reads_as_words(every: str, vi: str, en: str) -> None:
    assert every_label(every, "vi") == vi
    assert every_label(every, "en") == en


def test_every_frequency_has_a_name() -> None:
    assert all(every_label(e) != e for e in EVERY)


def test_a_metric_reads_as_its_name() -> None:
    assert metric_label("satisfaction_rate") == "Tỷ lệ hài lòng"
    assert metric_label("satisfaction_rate", "en") == "Satisfaction rate"


def _target(**kw: object) -> Target:
    base: dict[str, object] = {
        "code": "T",
        "title": "Tiêu đề",
        "metric": "on_time_rate",
        "owner": "x",
    }
    return Target(**{**base, **kw})  # type: ignore[arg-type]


def test_targets_read_as_their_wording() -> None:
    assert (
        target_wording(_target(metric="satisfaction_rate", op=">", value=95))
        == "Tỷ lệ hài lòng > 95%"
    )
    field = _target(scope={"field": "dat_dai"}, op=">=", value=98)
    assert target_wording(field) == "Tỷ lệ hồ sơ đúng hạn (Đất đai) ≥ 98%"
    others = _target(scope={"fields_except": ["dat_dai"], "each": True}, op=">=", value=100)
    assert (
        target_wording(others)
        == "Tỷ lệ hồ sơ đúng hạn (các lĩnh vực khác Đất đai, từng lĩnh vực) ≥ 100%"
    )
    assert (
        target_wording(_target(metric="satisfaction_rate", op=">", value=99.5))
        == "Tỷ lệ hài lòng > 99,5%"
    )
    assert (
        target_wording(others, "en")
        == "On-time rate (fields other than Đất đai, each field) ≥ 100%"
    )
    assert (
        target_wording(_target(metric="satisfaction_rate", op=">", value=99.5), "en")
        == "Satisfaction rate > 99.5%"
    )


def test_a_manual_target_reads_as_its_plan_title() -> None:
    manual = _target(
        metric="manual",
        title="Văn bản điện tử",
        title_en="Electronic documents",
        op=">=",
        value=100,
    )
    assert target_wording(manual) == "Văn bản điện tử ≥ 100%"
    assert target_wording(manual, "en") == "Electronic documents ≥ 100%"
    assert target_wording(_target(metric="manual", title="Trách nhiệm")) == "Trách nhiệm"
    higher = _target(metric="manual", title="Chỉ số CCHC", op=">", compare="previous_year")
    assert target_wording(higher) == "Chỉ số CCHC cao hơn năm trước"
    assert target_wording(higher, "en") == "Chỉ số CCHC higher than the previous year"


def test_a_position_reads_as_its_title() -> None:
    roles = [Role(code="one_stop", title="Bộ phận một cửa", title_en="One-stop desk")]
    assert position_label("one_stop", roles) == "Bộ phận một cửa"
    assert position_label("one_stop", roles, "en") == "One-stop desk"
    assert position_label("gone", roles) == "gone"


def test_an_error_names_its_period_as_officers_write_it() -> None:
    from domain.errors import LocalizedError
    from domain.periods import period_term

    error = LocalizedError(
        "error.occurrence_not_found", code="II.3.5", period=period_term("2020-Q2")
    )
    assert error.render("vi") == "Không có lần thực hiện II.3.5 kỳ quý II/2020."
    assert error.render("en") == "No occurrence II.3.5 for period Q2 2020."


def test_a_command_in_an_error_keeps_the_period_code() -> None:
    from domain.errors import LocalizedError
    from domain.periods import period_term

    error = LocalizedError(
        "error.evidence_missing",
        task="II.3.5",
        period=period_term("2020-H1"),
        period_code="2020-H1",
        n=1,
        missing="'Sổ theo dõi'",
    )
    text = error.render("vi")
    assert text.startswith("Chưa thể nộp II.3.5 kỳ 6 tháng đầu năm 2020:")
    assert "--task II.3.5 --period 2020-H1 --requirement N" in text
