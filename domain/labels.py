"""Codes by their names — "tên gọi" — for what people read: a dossier field as the one-stop
system names it ("Đất đai", not ``dat_dai``), a frequency in words ("6 tháng", not
``half_year``), a metric by its name, a target by its wording ("Tỷ lệ đúng hạn (Đất đai)
≥ 98%"), a position by its title. Codes stay in ``--json`` and as command input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

from domain.i18n import Lang, has, t
from domain.numbers import decimal
from domain.plan import Role, Target

OPERATORS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}


@cache
def _field_names() -> Mapping[str, Mapping[str, str]]:
    """Per dossier column, each code's first label in the bundled vocabulary."""
    import yaml

    from plans import DOSSIER_COLUMNS

    data = yaml.safe_load(DOSSIER_COLUMNS.read_text(encoding="utf-8")) or {}
    return {
        str(column): {str(code): str(words[0]) for code, words in values.items() if words}
        for column, values in (data.get("values") or {}).items()
    }


def field_label(code: str, lang: str = "vi", *, column: str = "ma_linh_vuc") -> str:
    """A dossier code (a field by default, or a channel, a status … of ``column``) by its
    first label in the bundled vocabulary: the name the one-stop system shows, in either
    language; an unknown code as given."""
    del lang  # the one-stop system's names are proper names, the same in English
    return _field_names().get(column, {}).get(code, code)


def _lang(lang: str) -> Lang:
    return "en" if lang == "en" else "vi"


def every_label(every: str, lang: str = "vi") -> str:
    """How often a task recurs, in words ("hằng quý", "6 tháng"); an unknown kind as given."""
    key = f"every.{every}"
    return t(key, _lang(lang)) if has(key) else every


def metric_label(metric: str, lang: str = "vi") -> str:
    """A KPI by its name ("Tỷ lệ hài lòng"); an unknown metric as given."""
    key = f"metric.{metric}"
    return t(key, _lang(lang)) if has(key) else metric


def position_label(code: str, roles: Iterable[Role], lang: str = "vi") -> str:
    """A position by its title in the plan (its English title in English when it has one)."""
    for role in roles:
        if role.code == code:
            return role.title_en if lang == "en" and role.title_en else role.title
    return code


def _scope(target: Target, lang: str) -> str:
    scope = target.scope or {}
    if "field" in scope:
        return field_label(str(scope["field"]), lang)
    if "fields_except" in scope:
        given = scope["fields_except"]
        fields = given if isinstance(given, list) else [given]
        text = t(
            "target.fields_except",
            _lang(lang),
            fields=", ".join(field_label(str(f), lang) for f in fields),
        )
        return f"{text}, {t('target.each', _lang(lang))}" if scope.get("each") else text
    return ""


def target_threshold(target: Target, lang: str = "vi") -> str:
    """What a target asks for: "≥ 98%", "> 95%", "cao hơn năm trước"; empty without one."""
    if target.op is None:
        return ""
    if target.compare == "previous_year":
        key = f"target.previous_year.{target.op}"
        if has(key):
            return t(key, _lang(lang))
        return t("target.previous_year", _lang(lang), op=OPERATORS.get(target.op, target.op))
    if target.value is None:
        return ""
    unit = target.unit or ""
    number = decimal(float(target.value), lang)
    value = f"{number}%" if unit == "%" else f"{number} {unit}".rstrip()
    return f"{OPERATORS.get(target.op, target.op)} {value}"


def target_wording(target: Target, lang: str = "vi") -> str:
    """A target as officers word it: "Tỷ lệ đúng hạn (Đất đai) ≥ 98%"; a target measured by
    hand by its plan title ("Chỉ số CCHC cao hơn năm trước")."""
    if target.metric == "manual":
        name = target.title_en if lang == "en" and target.title_en else target.title
    else:
        name = metric_label(target.metric, lang)
        scope = _scope(target, lang)
        if scope:
            name = f"{name} ({scope})"
    return " ".join(part for part in (name, target_threshold(target, lang)) if part)
