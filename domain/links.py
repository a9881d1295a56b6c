"""The web pages' addresses — "đường dẫn": one spelling for the emails that link to a page
and for the web application's routes.

Paths are Vietnamese words without diacritics. ``page_url`` joins the installation's public
address (``CCHC_BASE_URL``) and a path; the other functions build the paths of pages about
one thing (an occurrence, an invitation to set a password).
"""

from __future__ import annotations

from urllib.parse import quote

MY_TASKS = "/"  # Việc của tôi
APPROVALS = "/cho-duyet"  # Chờ duyệt
PROGRESS = "/tien-do"  # Tiến độ
CALENDAR = "/lich"  # Lịch
PROFILE = "/ho-so"  # Hồ sơ cá nhân
SIGN_IN = "/dang-nhap"
SIGN_OUT = "/dang-xuat"
OCCURRENCE_PREFIX = "/nhiem-vu"
SET_PASSWORD_PREFIX = "/dat-mat-khau"
EVIDENCE_PREFIX = "/tai-lieu"  # one uploaded document: /tai-lieu/{id}
INDICATORS = "/chi-tieu"  # Chỉ tiêu: KPIs against the plan's targets, dossier imports
ASSESSMENT = "/tu-danh-gia"  # Tự đánh giá: the year-end PAR self-assessment
ADMIN = "/quan-tri"  # Quản trị: the index of the administration pages below
PLANS = ADMIN + "/ke-hoach"  # Kế hoạch: plans and frameworks, uploaded and read
PEOPLE = ADMIN + "/can-bo"  # Cán bộ: officers and their holdings
WORKING_CALENDAR = ADMIN + "/lich-lam-viec"  # Lịch làm việc: working days, holidays
AUDIT = ADMIN + "/nhat-ky"  # Nhật ký: the audit log
OUTBOX = ADMIN + "/hop-thu-di"  # Hộp thư đi: the outbox
PROVINCE_PROGRESS = "/tinh/tien-do"  # the units below the reader's unit, side by side
APPRAISAL = "/tinh/tham-dinh"  # Thẩm định: the province's appraisal of its units
RANKING = "/tinh/xep-hang"  # Xếp hạng: the province's ranking of its units
PROVINCE_KPIS = "/tinh/chi-so"  # Chỉ số: the units' one-stop KPIs, ranked KPI by KPI


def _segment(value: str) -> str:
    """One path segment: every character that could end or escape it is quoted."""
    return quote(value, safe="")


def page_url(base_url: str, path: str) -> str:
    """``base_url`` (with or without a trailing slash, perhaps with a path of its own) and
    ``path`` joined by exactly one slash."""
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def occurrence_path(task: str, period: str) -> str:
    """The page of one occurrence: ``/nhiem-vu/II.3.5/2020-Q2``."""
    return f"{OCCURRENCE_PREFIX}/{_segment(task)}/{_segment(period)}"


def remind_path(task: str, period: str) -> str:
    """The "Nhắc ngay" button of the Tiến độ page: ``/tien-do/nhac/II.3.5/2020-Q2``."""
    return f"{PROGRESS}/nhac/{_segment(task)}/{_segment(period)}"


def set_password_path(token: str) -> str:
    """The page an invitation links to, where its holder sets a password."""
    return f"{SET_PASSWORD_PREFIX}/{_segment(token)}"


def calendar_feed_path(token: str) -> str:
    """An officer's private calendar subscription: ``/lich/{token}.ics``."""
    return f"{CALENDAR}/{_segment(token)}.ics"


def evidence_path(evidence_id: int) -> str:
    """One uploaded document, opened in the browser or downloaded: ``/tai-lieu/17``."""
    return f"{EVIDENCE_PREFIX}/{int(evidence_id)}"


def province_progress_path(unit: str, year: int) -> str:
    """The province's progress page for the units below ``unit`` in ``year``:
    ``/tinh/tien-do?nam=2020&don_vi=tp-hcm``."""
    return f"{PROVINCE_PROGRESS}?nam={int(year)}&don_vi={_segment(unit)}"


def province_kpis_path(
    unit: str, year: int, quarter: int | None = None, kpi: str | None = None
) -> str:
    """The province's KPI ranking of the units below ``unit`` in ``year`` (or its
    ``quarter``), on ``kpi``: ``/tinh/chi-so?nam=2020&quy=2&chi_so=on_time_rate&don_vi=tp-hcm``."""
    query = f"nam={int(year)}"
    if quarter is not None:
        query += f"&quy={int(quarter)}"
    if kpi:
        query += f"&chi_so={_segment(kpi)}"
    return f"{PROVINCE_KPIS}?{query}&don_vi={_segment(unit)}"


def appraisal_path(unit: str, year: int) -> str:
    """One unit's appraisal of a year: ``/tinh/tham-dinh/26734/2020``."""
    return f"{APPRAISAL}/{_segment(unit)}/{int(year)}"
