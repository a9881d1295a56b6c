"""The parts of an administrative document's layout — "thể thức văn bản" (Nghị định
30/2020/NĐ-CP): the issuing body's lines, the place-and-date line, dates written out in words,
and documents cited by number, date, issuer and summary rather than by file name.

Plain functions on strings and dates; the DOCX, HTML and XLSX writers call them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

_ABBREVIATION = re.compile(r"^\s*UBND\b\s*", re.IGNORECASE)
_LEVEL = re.compile(
    r"^\s*(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)?\s*(phường|xã|thị trấn|quận|huyện|thị xã|"
    r"thành phố|tỉnh)\s+",
    re.IGNORECASE,
)
# the type code in a document number ("12/QĐ-UBND") → the document's kind, in words
KINDS = {
    "QĐ": "Quyết định",
    "KH": "Kế hoạch",
    "BC": "Báo cáo",
    "TB": "Thông báo",
    "CT": "Chỉ thị",
    "NQ": "Nghị quyết",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "TTr": "Tờ trình",
    "GM": "Giấy mời",
    "BB": "Biên bản",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "KL": "Kết luận",
}


def full_name(name: str) -> str:
    """A body's name with "UBND" written out: "UBND phường Phú Hữu" → "Ủy ban nhân dân
    phường Phú Hữu"."""
    return _ABBREVIATION.sub("Ủy ban nhân dân ", name, count=1).strip()


def body_line(name: str) -> str:
    """The issuing body's line, in capitals and in full ("ỦY BAN NHÂN DÂN PHƯỜNG PHÚ HỮU")."""
    return full_name(name).upper()


def parent_line(name: str) -> str:
    """The governing body's line above it, in capitals ("UBND QUẬN 9")."""
    return name.strip().upper()


def place_name(name: str) -> str:
    """The place of the date line, from the unit's name: "UBND phường Phú Hữu" → "Phú Hữu"
    (the whole name when it carries no administrative level)."""
    return _LEVEL.sub("", name, count=1).strip() or name.strip()


def day_number(day: int) -> str:
    """A day as the decree writes it: a leading zero for 1–9 only ("05", "26")."""
    return f"{day:02d}"


def month_number(month: int) -> str:
    """A month as the decree writes it: a leading zero for January and February only
    ("01", "02", "3", "12")."""
    return f"{month:02d}" if month < 3 else str(month)


def in_words(day: dt.date) -> str:
    """ "ngày 05 tháng 01 năm 2021", "ngày 26 tháng 3 năm 2020"."""
    return f"ngày {day_number(day.day)} tháng {month_number(day.month)} năm {day.year}"


def date_line(place: str, day: dt.date | None) -> str:
    """ "Phú Hữu, ngày 05 tháng 01 năm 2021"; dotted blanks to fill by hand without a date."""
    if day is None:
        return f"{place}, ngày … tháng … năm …"
    return f"{place}, {in_words(day)}"


def moment_in_words(moment: dt.datetime) -> str:
    """ "Ngày 26 tháng 3 năm 2020, lúc 16 giờ 00" (the local wall clock of ``moment``)."""
    text = in_words(moment.date())
    return f"{text[0].upper()}{text[1:]}, lúc {moment.hour:02d} giờ {moment.minute:02d}"


def short_date(value: dt.date) -> str:
    """ "15/01/2020" — how a document's date is cited."""
    return value.strftime("%d/%m/%Y")


def document_kind(number: str) -> str:
    """The kind of a document from its number's type code ("12/QĐ-UBND" → "Quyết định");
    "Văn bản" when the number has none (an official letter, "125/UBND-VP")."""
    parts = number.split("/", 1)
    code = parts[1].split("-", 1)[0].strip() if len(parts) == 2 else ""
    return KINDS.get(code, "Văn bản")


def citation(
    *,
    number: str,
    date: dt.date | str | None,
    issuer: str,
    summary: str,
    file_name: str,
    own_body: str = "",
) -> str:
    """A document cited as officers cite it: "Quyết định số 12/QĐ-UBND ngày 15/01/2020 về
    kiện toàn Ban Chỉ đạo CCHC" (the issuer named when it is not ``own_body``); the file name
    only when neither number nor summary is stored."""
    number, summary, issuer = number.strip(), summary.strip(), issuer.strip()
    if not number and not summary:
        return file_name
    if isinstance(date, str):
        date = dt.date.fromisoformat(date) if date else None
    parts = [f"{document_kind(number)} số {number}" if number else "Văn bản"]
    if date:
        parts.append(f"ngày {short_date(date)}")
    if issuer and issuer.casefold() != own_body.strip().casefold():
        parts.append(f"của {issuer}")
    if summary:
        lowered = summary.casefold()
        if lowered.startswith(("về ", "v/v ", "về việc ")):
            summary = summary.split(" ", 1)[1] if lowered.startswith("v/v ") else summary[3:]
        if summary[:2].istitle():  # "Kiện toàn …" reads "về kiện toàn …"; "CCHC …" stays
            summary = summary[0].lower() + summary[1:]
        parts.append(f"về {summary}")
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Letterhead:
    """Who issues a document and signs it: the body ("UBND phường Phú Hữu"), the body above it
    ("UBND Quận 9"), the date (None: left blank to fill by hand) and the signer — the holder
    of the chairman's position on that date (``acting``: a stand-in, "Q. CHỦ TỊCH")."""

    body: str
    parent: str = ""
    on: dt.date | None = None
    signer: str = ""
    acting: bool = False

    @property
    def body_line(self) -> str:
        return body_line(self.body)

    @property
    def body_lines(self) -> list[str]:
        """The body's line broken where a heading's column breaks it: "ỦY BAN NHÂN DÂN" /
        "PHƯỜNG PHÚ HỮU", never inside the place's name."""
        line, lead = self.body_line, "ỦY BAN NHÂN DÂN "
        if len(line) > 24 and line.startswith(lead):
            return [lead.strip(), line[len(lead) :]]
        return [line]

    @property
    def parent_line(self) -> str:
        return parent_line(self.parent) if self.parent else ""

    @property
    def place(self) -> str:
        return place_name(self.body)

    @property
    def date_line(self) -> str:
        return date_line(self.place, self.on)

    @property
    def own_name(self) -> str:
        """The body in full, as the text names it ("Ủy ban nhân dân phường Phú Hữu")."""
        return full_name(self.body)

    @property
    def recipient(self) -> str:
        """Whom a report goes to: the body above, in full ("Ủy ban nhân dân Quận 9")."""
        return full_name(self.parent) if self.parent else ""

    @property
    def signature(self) -> tuple[str, str]:
        """ "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH" for a people's committee (its collective
        decides, the chairman signs for it); the head's title alone for any other body."""
        title = "Q. CHỦ TỊCH" if self.acting else "CHỦ TỊCH"
        if full_name(self.body).casefold().startswith("ủy ban nhân dân"):
            return ("TM. ỦY BAN NHÂN DÂN", title)
        return ("", "THỦ TRƯỞNG CƠ QUAN")
