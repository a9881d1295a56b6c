"""Rows of a one-stop dossier export — "hồ sơ TTHC" — read and checked (spec: dossiers.md).

The functions here take cells as the container gives them (text from a CSV file; text,
numbers or native date-times from an XLSX sheet) and return a :class:`DossierRow` with aware
date-times and the local calendar days the KPI formulas use, or every problem of the row.
"Local" is the time zone the caller passes — the unit's plan time zone; nothing here assumes
one. Reading files and writing rows live in ``storage.dossiers``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.clock import MAX_YEAR, MIN_YEAR
from domain.errors import InvalidInput, Problem, grouped
from domain.i18n import Lang, t

REQUIRED: tuple[str, ...] = (
    "ma_ho_so",
    "ma_don_vi",
    "ma_linh_vuc",
    "ten_thu_tuc",
    "kenh_nop",
    "muc_do_dvc",
    "ngay_tiep_nhan",
    "ngay_hen_tra",
    "trang_thai",
)
OPTIONAL: tuple[str, ...] = (
    "ma_thu_tuc",
    "ngay_tra",
    "tra_qua_buu_chinh",
    "danh_gia",
    "phieu_xin_loi",
    "so_lan_bo_sung",
    "ngay_co_ket_qua",  # extension: when the result was ready (docs/formats.md)
)
COLUMNS: tuple[str, ...] = REQUIRED + OPTIONAL

CHANNELS = ("truc_tiep", "truc_tuyen", "buu_chinh")
LEVELS = ("2", "3", "4")
STATUSES = ("dang_xu_ly", "da_tra", "rut", "tu_choi")
RATINGS = ("rat_hai_long", "hai_long", "binh_thuong", "khong_hai_long")
FLAGS = ("0", "1")
EXCLUDED_STATUSES = ("rut", "tu_choi")
MAX_LENGTH = {
    "ma_ho_so": 100,
    "ma_don_vi": 64,
    "ma_linh_vuc": 64,
    "ten_thu_tuc": 1000,
    "ma_thu_tuc": 100,
}
# Every date-time of a dossier lies in these years (wall time as written): an export covers
# a few years around the plan, and years such as 1 or 9999 overflow when moved to UTC.
MAX_SUPPLEMENTS = 999  # so_lan_bo_sung: ASCII digits only, at most this
DATE_RANGE = f"ngày từ năm {MIN_YEAR} đến {MAX_YEAR} / a date in the years {MIN_YEAR}–{MAX_YEAR}"
COUNT_RANGE = f"số nguyên 0–{MAX_SUPPLEMENTS} / integer 0–{MAX_SUPPLEMENTS}"
NO_CONTROL = "văn bản không có ký tự điều khiển / text without control characters"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
DATE_FORMS = (
    "YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], YYYY-MM-DDTHH:MM[:SS], DD/MM/YYYY, DD/MM/YYYY HH:MM[:SS]"
)

_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


@dataclass(frozen=True, slots=True)
class DossierRow:
    """One checked dossier of an export; date-times aware, ``*_day`` in the unit's time zone."""

    ma_ho_so: str
    ma_don_vi: str
    ma_linh_vuc: str
    ten_thu_tuc: str
    ma_thu_tuc: str
    kenh_nop: str
    muc_do_dvc: int
    ngay_tiep_nhan: dt.datetime
    ngay_hen_tra: dt.datetime
    ngay_tra: dt.datetime | None
    trang_thai: str
    tra_qua_buu_chinh: bool
    danh_gia: str | None
    phieu_xin_loi: bool
    so_lan_bo_sung: int
    tiep_nhan_day: dt.date
    hen_tra_day: dt.date
    tra_day: dt.date | None
    ngay_co_ket_qua: dt.datetime | None = None
    co_ket_qua_day: dt.date | None = None


class DossierFileInvalid(InvalidInput):
    """Tệp hồ sơ không hợp lệ: không nhập hồ sơ nào."""

    def __init__(self, problems: Iterable[Problem], source: str = "", more: int = 0) -> None:
        self.more = more
        super().__init__(problems, source)

    def render(self, lang: Lang = "vi") -> str:
        lines = [g.render(lang) for g in grouped(self.problems)]
        if self.more:
            lines.append(t("problem.dossier_more", lang, n=self.more))
        lines.append(t("problem.count", lang, n=len(self.problems) + self.more))
        return "\n".join(lines)


def text(value: object) -> str:
    """A cell as trimmed text; whole floats (from XLSX) lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_datetime(value: object, tz: dt.tzinfo) -> dt.datetime | None:
    """A cell as an aware date-time (wall time in ``tz``, the unit's plan time zone, unless
    it has an offset); None if invalid.

    Accepts the spec's text forms and a native date or date-time from a spreadsheet.
    """
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=tz)
    if not isinstance(value, str):
        return None
    s = value.strip()
    try:
        if _ISO.fullmatch(s):
            parsed = dt.datetime.fromisoformat(s)
        else:
            m = _DMY.fullmatch(s)
            if m is None:
                return None
            day, month, year, hour, minute, second = m.groups()
            parsed = dt.datetime(
                int(year),
                int(month),
                int(day),
                int(hour or 0),
                int(minute or 0),
                int(second or 0),
            )
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)


def in_range(moment: dt.datetime) -> bool:
    """Whether ``moment`` lies in the years a dossier may name (:data:`MIN_YEAR`…)."""
    return MIN_YEAR <= moment.year <= MAX_YEAR


def shown(value: object, limit: int = 80) -> str:
    """A cell as a problem shows it: control characters escaped, cut after ``limit``."""
    s = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text(value))
    return s if len(s) <= limit else s[:limit] + "…"


def local_day(moment: dt.datetime, tz: dt.tzinfo) -> dt.date:
    """The calendar day of ``moment`` in ``tz``."""
    if moment.tzinfo is tz:
        return moment.date()
    return moment.astimezone(tz).date()


def match_header(
    header: Sequence[object],
    *,
    file: str = "",
    columns: Sequence[str] = COLUMNS,
    required: Sequence[str] = REQUIRED,
    code: str = "dossier_missing_column",
    name_of: Callable[[object], str | None] | None = None,
) -> tuple[dict[str, int], list[Problem]]:
    """Where each known column is (case-insensitive, trimmed), and each missing required one.

    Extra columns are ignored; a repeated known column uses its first position. ``columns``,
    ``required`` and the problem ``code`` default to the dossier export's (another table
    read the same way, such as the procedure catalogue, passes its own). ``name_of`` gives
    the column a header cell names (the Vietnamese headers of a
    :class:`~domain.dossier_columns.Vocabulary`); by default the cell itself is the code.
    """
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        key = name_of(name) if name_of is not None else text(name).lower()
        if key is not None and key in columns and key not in index:
            index[key] = i
    problems = [
        Problem(
            code,
            file=file,
            row=1,
            path=column,
            params={"column": column, "expected": ", ".join(required)},
        )
        for column in required
        if column not in index
    ]
    return index, problems


def is_blank(cells: Sequence[object]) -> bool:
    """A row with nothing in it (trailing rows of a sheet, blank lines of a file)."""
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


class RowCells:
    """Collects one row's cells and problems (a row of an export or of another table)."""

    __slots__ = ("cells", "file", "index", "problems", "row")

    def __init__(
        self, cells: Sequence[object], index: Mapping[str, int], row: int, file: str
    ) -> None:
        self.cells = cells
        self.index = index
        self.row = row
        self.file = file
        self.problems: list[Problem] = []

    def raw(self, column: str) -> object:
        i = self.index.get(column)
        if i is None or i >= len(self.cells):
            return None
        return self.cells[i]

    def bad(self, column: str, value: object, expected: str) -> None:
        self.problems.append(
            Problem(
                "dossier_bad_cell",
                file=self.file,
                row=self.row,
                path=column,
                params={"column": column, "value": shown(value), "expected": expected},
            )
        )

    def problem(self, code: str, path: str, /, **params: Any) -> None:
        self.problems.append(Problem(code, file=self.file, row=self.row, path=path, params=params))

    def required_text(self, column: str) -> str:
        value = text(self.raw(column))
        if not value:
            self.problem("dossier_empty_cell", column, column=column)
        return self.checked_text(column, value)

    def checked_text(self, column: str, value: str) -> str:
        """``value`` of ``column`` with line breaks and tabs (Alt+Enter in a spreadsheet) as
        single spaces, as a roster's cells are; a problem when it is too long or holds
        another control character (a NUL is refused by PostgreSQL)."""
        if _CONTROL.search(value):
            value = " ".join(value.split())
        if len(value) > MAX_LENGTH.get(column, 1000):
            self.bad(column, value, f"≤ {MAX_LENGTH.get(column, 1000)} ký tự / characters")
        elif _CONTROL.search(value):
            self.bad(column, value, NO_CONTROL)
        return value

    def choice(self, column: str, allowed: tuple[str, ...], *, required: bool) -> str:
        value = text(self.raw(column))
        if not value:
            if required:
                self.problem("dossier_empty_cell", column, column=column)
            return ""
        if value not in allowed:
            self.bad(column, value, " | ".join(allowed))
        return value

    def flag(self, column: str) -> bool:
        return self.choice(column, FLAGS, required=False) == "1"

    def count(self, column: str) -> int:
        value = text(self.raw(column))
        if not value:
            return 0
        # ASCII only: str.isdigit() also accepts "²" and other scripts' digits
        if (
            not (value.isascii() and value.isdigit())
            or len(value) > 6
            or int(value) > MAX_SUPPLEMENTS
        ):
            self.bad(column, value, COUNT_RANGE)
            return 0
        return int(value)

    def moment(self, column: str, tz: dt.tzinfo, *, required: bool) -> dt.datetime | None:
        raw = self.raw(column)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.problem("dossier_empty_cell", column, column=column)
            return None
        parsed = parse_datetime(raw, tz)
        if parsed is None:
            self.bad(column, raw, DATE_FORMS)
        elif not in_range(parsed):
            self.bad(column, raw, DATE_RANGE)
            return None
        return parsed


def parse_row(
    cells: Sequence[object],
    index: Mapping[str, int],
    *,
    row: int,
    file: str = "",
    units: Mapping[str, object] | None = None,
    tz: dt.tzinfo,
) -> tuple[DossierRow | None, list[Problem]]:
    """One data row (``row`` as a spreadsheet numbers it) → the dossier, or its problems.

    ``index`` comes from :func:`match_header`. When ``units`` is given, ``ma_don_vi`` must be
    one of its keys. Times without an offset are wall times in ``tz`` (the unit's plan time
    zone), and the ``*_day`` columns are days in ``tz``.
    """
    r = RowCells(cells, index, row, file)
    ma_ho_so = r.required_text("ma_ho_so")
    ma_don_vi = r.required_text("ma_don_vi")
    if ma_don_vi and units is not None and ma_don_vi not in units:
        r.problem("dossier_unknown_unit", "ma_don_vi", value=ma_don_vi)
    ma_linh_vuc = r.required_text("ma_linh_vuc")
    ten_thu_tuc = r.required_text("ten_thu_tuc")
    ma_thu_tuc = r.checked_text("ma_thu_tuc", text(r.raw("ma_thu_tuc")))
    kenh_nop = r.choice("kenh_nop", CHANNELS, required=True)
    level = r.choice("muc_do_dvc", LEVELS, required=True)
    received = r.moment("ngay_tiep_nhan", tz, required=True)
    appointment = r.moment("ngay_hen_tra", tz, required=True)
    returned = r.moment("ngay_tra", tz, required=False)
    status = r.choice("trang_thai", STATUSES, required=True)
    postal = r.flag("tra_qua_buu_chinh")
    rating = r.choice("danh_gia", RATINGS, required=False)
    apology = r.flag("phieu_xin_loi")
    supplements = r.count("so_lan_bo_sung")
    ready = r.moment("ngay_co_ket_qua", tz, required=False)

    if received is not None and appointment is not None and appointment < received:
        r.problem(
            "dossier_appointment_before_received",
            "ngay_hen_tra",
            value=text(r.raw("ngay_hen_tra")),
            received=text(r.raw("ngay_tiep_nhan")),
        )
    if received is not None and returned is not None and returned < received:
        r.problem(
            "dossier_returned_before_received",
            "ngay_tra",
            value=text(r.raw("ngay_tra")),
            received=text(r.raw("ngay_tiep_nhan")),
        )
    if received is not None and ready is not None and ready < received:
        r.problem(
            "dossier_ready_before_received",
            "ngay_co_ket_qua",
            value=text(r.raw("ngay_co_ket_qua")),
            received=text(r.raw("ngay_tiep_nhan")),
        )
    if status == "da_tra" and returned is None and not text(r.raw("ngay_tra")):
        r.problem("dossier_returned_needs_date", "ngay_tra")
    if status == "dang_xu_ly" and text(r.raw("ngay_tra")):
        r.problem("dossier_processing_has_return", "ngay_tra", value=text(r.raw("ngay_tra")))

    if r.problems:
        return None, r.problems
    assert received is not None and appointment is not None
    return (
        DossierRow(
            ma_ho_so=ma_ho_so,
            ma_don_vi=ma_don_vi,
            ma_linh_vuc=ma_linh_vuc,
            ten_thu_tuc=ten_thu_tuc,
            ma_thu_tuc=ma_thu_tuc,
            kenh_nop=kenh_nop,
            muc_do_dvc=int(level),
            ngay_tiep_nhan=received,
            ngay_hen_tra=appointment,
            ngay_tra=returned,
            trang_thai=status,
            tra_qua_buu_chinh=postal,
            danh_gia=rating or None,
            phieu_xin_loi=apology,
            so_lan_bo_sung=supplements,
            tiep_nhan_day=local_day(received, tz),
            hen_tra_day=local_day(appointment, tz),
            tra_day=None if returned is None else local_day(returned, tz),
            ngay_co_ket_qua=ready,
            co_ket_qua_day=None if ready is None else local_day(ready, tz),
        ),
        [],
    )


_CHANNEL_SET = frozenset(CHANNELS)
_LEVEL_SET = frozenset(LEVELS)
_STATUS_SET = frozenset(STATUSES)
_RATING_SET = frozenset(("", *RATINGS))
_FLAG_SET = frozenset(("", *FLAGS))


Translate = Callable[[Sequence[object], Mapping[str, int]], Sequence[object]]
"""A row's cells with labels replaced by codes (:meth:`~domain.dossier_columns.Vocabulary.translate`)."""


class RowParser:
    """:func:`parse_row` for one file, with a fast path for clean text rows.

    With ``translate``, a row the fast path refuses is translated (labels to codes) and
    checked again, so both forms meet the very same checks.

    Most rows of an export are clean: they are checked here with plain indexing; a row the
    fast path does not accept (a problem, a spreadsheet value, an unusual date form) goes
    through :func:`parse_row`, which gives the same row or its problems.
    """

    def __init__(
        self,
        index: Mapping[str, int],
        *,
        file: str = "",
        units: Mapping[str, object] | None = None,
        tz: dt.tzinfo,
        translate: Translate | None = None,
    ) -> None:
        self.index = dict(index)
        self.translate = translate
        self.file = file
        self.units = units
        self.tz = tz
        # a missing optional column reads the sentinel "" appended after the row's cells
        self._at = tuple(index.get(c, -1) for c in COLUMNS)
        self._width = max(index.values(), default=-1) + 1

    def __call__(
        self, cells: Sequence[object], row: int
    ) -> tuple[DossierRow | None, list[Problem]]:
        parsed = self._fast(cells)
        if parsed is not None:
            return parsed, []
        if self.translate is not None:
            # labels ("Trực tuyến") become codes, then the row is checked as a coded one
            cells = self.translate(cells, self.index)
            parsed = self._fast(cells)
            if parsed is not None:
                return parsed, []
        return parse_row(cells, self.index, row=row, file=self.file, units=self.units, tz=self.tz)

    def _moment(self, s: str) -> dt.datetime | None:
        n = len(s)
        if (
            s[4:5] == "-"
            and s[7:8] == "-"
            and (n == 10 or (n in (16, 19) and s[10] in " T" and s[13] == ":"))
        ):
            parsed = dt.datetime.fromisoformat(s)
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=self.tz)
        if s[2:3] == "/" and s[5:6] == "/":
            if n == 10:
                return dt.datetime(int(s[6:10]), int(s[3:5]), int(s[0:2]), tzinfo=self.tz)
            if n in (16, 19) and s[10] == " " and s[13] == ":" and (n == 16 or s[16] == ":"):
                return dt.datetime(
                    int(s[6:10]),
                    int(s[3:5]),
                    int(s[0:2]),
                    int(s[11:13]),
                    int(s[14:16]),
                    int(s[17:19]) if n == 19 else 0,
                    tzinfo=self.tz,
                )
        return None

    def _fast(self, cells: Sequence[object]) -> DossierRow | None:
        if len(cells) < self._width:
            return None
        c: Any = (*cells, "")
        (
            i_id,
            i_unit,
            i_field,
            i_name,
            i_channel,
            i_level,
            i_received,
            i_appointment,
            i_status,
            i_code,
            i_returned,
            i_postal,
            i_rating,
            i_apology,
            i_supplements,
            i_ready,
        ) = self._at
        try:
            ma_ho_so = c[i_id].strip()
            ma_don_vi = c[i_unit].strip()
            ma_linh_vuc = c[i_field].strip()
            ten_thu_tuc = c[i_name].strip()
            kenh_nop = c[i_channel].strip()
            level = c[i_level].strip()
            status = c[i_status].strip()
            postal = c[i_postal].strip()
            rating = c[i_rating].strip()
            apology = c[i_apology].strip()
            supplements = c[i_supplements].strip()
            code = c[i_code].strip()
            if (
                not ma_ho_so
                or len(ma_ho_so) > 100
                or not ma_don_vi
                or len(ma_don_vi) > 64
                or (self.units is not None and ma_don_vi not in self.units)
                or not ma_linh_vuc
                or len(ma_linh_vuc) > 64
                or not ten_thu_tuc
                or len(ten_thu_tuc) > 1000
                or len(code) > 100
                or _CONTROL.search(ma_ho_so + ma_don_vi + ma_linh_vuc + ten_thu_tuc + code)
                or kenh_nop not in _CHANNEL_SET
                or level not in _LEVEL_SET
                or status not in _STATUS_SET
                or postal not in _FLAG_SET
                or rating not in _RATING_SET
                or apology not in _FLAG_SET
                or not (
                    supplements == ""
                    or (len(supplements) <= 3 and supplements.isascii() and supplements.isdigit())
                )
            ):
                return None
            received = self._moment(c[i_received].strip())
            appointment = self._moment(c[i_appointment].strip())
            returned_text = c[i_returned].strip()
            returned = self._moment(returned_text) if returned_text else None
            ready_text = c[i_ready].strip()
            ready = self._moment(ready_text) if ready_text else None
        except (AttributeError, ValueError, TypeError, IndexError, OverflowError):
            return None
        if (
            received is None
            or appointment is None
            or (returned_text and returned is None)
            or (ready_text and ready is None)
            or not (in_range(received) and in_range(appointment))
            or (returned is not None and not in_range(returned))
            or (ready is not None and (not in_range(ready) or ready < received))
            or appointment < received
            or (returned is not None and returned < received)
            or (status == "da_tra" and returned is None)
            or (status == "dang_xu_ly" and returned is not None)
        ):
            return None
        tz = self.tz
        return DossierRow(
            ma_ho_so=ma_ho_so,
            ma_don_vi=ma_don_vi,
            ma_linh_vuc=ma_linh_vuc,
            ten_thu_tuc=ten_thu_tuc,
            ma_thu_tuc=code,
            kenh_nop=kenh_nop,
            muc_do_dvc=int(level),
            ngay_tiep_nhan=received,
            ngay_hen_tra=appointment,
            ngay_tra=returned,
            trang_thai=status,
            tra_qua_buu_chinh=postal == "1",
            danh_gia=rating or None,
            phieu_xin_loi=apology == "1",
            so_lan_bo_sung=int(supplements) if supplements else 0,
            tiep_nhan_day=local_day(received, tz),
            hen_tra_day=local_day(appointment, tz),
            tra_day=None if returned is None else local_day(returned, tz),
            ngay_co_ket_qua=ready,
            co_ket_qua_day=None if ready is None else local_day(ready, tz),
        )
