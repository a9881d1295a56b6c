"""The apology slip — "Phiếu xin lỗi và hẹn lại ngày trả kết quả", Mẫu số 04 of Thông tư
01/2018/TT-VPCP (the one-stop mechanism of Nghị định 61/2018/NĐ-CP) — as a Word document in
the layout of Nghị định 30/2020/NĐ-CP. Its body (:func:`body`) is also what the printable HTML
(``notifications/templates/vi/apology_slip.html.j2``) prints.

The heading and the signature block are the report's (application/docx_layout.py): the unit
under its parent beside Quốc hiệu and Tiêu ngữ, the place-and-date line (dotted blanks on a slip
not yet recorded), and the committee's chairman signing for it. Dates in the body are written
out ("Ngày 02 tháng 3 năm 2020, lúc 09 giờ 15"); dotted lines are for the officer's pen.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from application.docx_layout import (
    TEXT_WIDTH_MM,
    base_document,
    heading,
    paragraph,
    plain_table,
    save,
    signature,
)
from domain.letterhead import Letterhead, in_words, moment_in_words

if TYPE_CHECKING:
    from application.late_dossiers import ApologySlip

FORM = "Mẫu số 04 (Thông tư số 01/2018/TT-VPCP)"
TITLE = "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"
SIGN_NOTE = "(Ký, ghi rõ họ tên và đóng dấu)"
DOTS = "…" * 32  # one line of the page, for the pen
REASON = "Lý do: " + "…" * 26
BLANK_DAY = "ngày …… tháng …… năm ……"


def _when(moment: dt.datetime) -> str:
    """ "ngày 04 tháng 3 năm 2020", with ", lúc 16 giờ 00" when the appointment has an hour."""
    text = in_words(moment.date())
    if (moment.hour, moment.minute) != (0, 0):
        text += f", lúc {moment.hour:02d} giờ {moment.minute:02d}"
    return text


def body(slip: ApologySlip, head: Letterhead) -> list[str]:
    """The paragraphs of Mẫu 04 for ``slip``, in order (a line of dots where the officer
    writes by hand: the citizen's name, the reason)."""
    who = head.own_name
    procedure = slip.ten_thu_tuc + (f" (mã thủ tục {slip.ma_thu_tuc})" if slip.ma_thu_tuc else "")
    new = in_words(slip.new_appointment) if slip.new_appointment else BLANK_DAY
    return [
        f"{moment_in_words(slip.received)}, {who} tiếp nhận giải quyết hồ sơ của Ông/Bà:",
        DOTS,
        f"Mã hồ sơ: {slip.ma_ho_so}",
        f"Nội dung yêu cầu giải quyết: {procedure}.",
        f"Theo quy định, thời gian trả kết quả giải quyết hồ sơ là {_when(slip.appointment)}. "
        f"Tuy nhiên đến nay, {who} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà.",
        REASON,
        DOTS,
        f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {who} xin lỗi Ông/Bà và sẽ trả kết quả "
        f"giải quyết hồ sơ cho Ông/Bà vào {new}.",
        "Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.",
    ]


def write_apology_slip(slip: ApologySlip, path: Path) -> None:
    """Write the slip to ``path`` (atomically): A4 portrait, one page."""
    head = slip.head or Letterhead(body=slip.unit_name, parent=slip.parent_name)
    doc = base_document()
    paragraph(doc, FORM, italic=True, size=12, align="right", space_after=6)
    heading(doc, head)
    paragraph(doc, "", space_after=6)
    paragraph(doc, TITLE, bold=True, align="center", space_after=12)
    for text in body(slip, head):
        prose = text not in (DOTS, REASON)  # a line to fill in stays on one line, unstretched
        paragraph(doc, text, indent=text != DOTS, align="justify" if prose else "")
    table = plain_table(doc, 2, (TEXT_WIDTH_MM - 90, 90))
    signature(table.rows[0].cells[1], head, note=SIGN_NOTE)
    save(doc, path)
