"""The unit's catalogue of administrative procedures — "danh mục thủ tục hành chính".

A ward publishes the procedures it handles, each with the level of online public service
offered for it ("mức độ dịch vụ công trực tuyến": 2 = information only, 3 = partly online,
4 = fully online). The catalogue is the denominator of the plan's "share of procedures
offered online at level 3/4" (target T2.3a); without one, that figure can only be taken over
the procedures that happened to receive dossiers.

The file (CSV or XLSX, docs/formats.md) is read like a dossier export: header row matched
case-insensitively, extra columns ignored, every problem of every row reported together.
Here a row's cells become a :class:`Procedure` or problems; reading files and storing the
catalogue live in ``storage.procedures``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain.dossier_columns import Vocabulary
from domain.dossiers import LEVELS, DossierFileInvalid, RowCells, match_header, text
from domain.errors import Problem
from domain.names import fold

COLUMNS: tuple[str, ...] = ("ma_thu_tuc", "ten_thu_tuc", "linh_vuc", "muc_do")
MAX_LENGTH = {"ma_thu_tuc": 100, "ten_thu_tuc": 1000, "linh_vuc": 64}
# the catalogue's columns as the dossier export names them (its headers and labels serve both)
AS_DOSSIER = {"ma_thu_tuc": "ma_thu_tuc", "ten_thu_tuc": "ten_thu_tuc"}
AS_DOSSIER.update(linh_vuc="ma_linh_vuc", muc_do="muc_do_dvc")


@dataclass(frozen=True, slots=True)
class Procedure:
    """One procedure of the catalogue: its code, name, field (the export's ``ma_linh_vuc``
    codes) and level of online public service."""

    ma_thu_tuc: str
    ten_thu_tuc: str
    linh_vuc: str
    muc_do: int

    @property
    def online(self) -> bool:
        """Offered online at level 3 or 4 (the spec's online procedure)."""
        return self.muc_do >= 3


class CatalogueFileInvalid(DossierFileInvalid):
    """Tệp danh mục thủ tục không hợp lệ: không nhập thủ tục nào."""


def match_catalogue_header(
    header: Sequence[object], *, file: str = "", vocabulary: Vocabulary | None = None
) -> tuple[dict[str, int], list[Problem]]:
    """Where each column of the catalogue is, and each missing one (all are required).

    With ``vocabulary``, a column may also be headed as the dossier export heads it ("Mã thủ
    tục", "Tên thủ tục", "Lĩnh vực", "Mức độ").
    """
    name_of = None
    if vocabulary is not None:
        own = {v: k for k, v in AS_DOSSIER.items()}

        def name_of(cell: object) -> str | None:
            if not isinstance(cell, str):
                return None
            key = fold(cell)
            if key in COLUMNS:
                return key
            return own.get(vocabulary.column(cell) or "")

    return match_header(
        header,
        file=file,
        columns=COLUMNS,
        required=COLUMNS,
        code="procedure_missing_column",
        name_of=name_of,
    )


class CatalogueRows:
    """Reads the rows of one catalogue file in order; a code already seen on an earlier row
    is a problem (the codes seen are kept: a catalogue has hundreds of rows, not millions)."""

    def __init__(
        self, index: Mapping[str, int], *, file: str = "", vocabulary: Vocabulary | None = None
    ) -> None:
        self.index = dict(index)
        self.file = file
        self.vocabulary = vocabulary
        self.seen: dict[str, int] = {}

    def __call__(self, cells: Sequence[object], row: int) -> tuple[Procedure | None, list[Problem]]:
        if self.vocabulary is not None:
            cells = list(cells)
            for column in ("linh_vuc", "muc_do"):
                i = self.index.get(column)
                if i is not None and i < len(cells):
                    cells[i] = self.vocabulary.code(AS_DOSSIER[column], cells[i])
        r = RowCells(cells, self.index, row, self.file)
        values: dict[str, str] = {}
        for column in ("ma_thu_tuc", "ten_thu_tuc", "linh_vuc"):
            value = text(r.raw(column))
            if not value:
                r.problem("procedure_empty_cell", column, column=column)
            elif len(value) > MAX_LENGTH[column]:
                r.problem("procedure_too_long", column, value=value, max=MAX_LENGTH[column])
            values[column] = value
        level = text(r.raw("muc_do"))
        if not level:
            r.problem("procedure_empty_cell", "muc_do", column="muc_do")
        elif level not in LEVELS:
            r.problem("procedure_bad_level", "muc_do", value=level, expected=" | ".join(LEVELS))
        code = values["ma_thu_tuc"]
        if code in self.seen:
            r.problem("procedure_repeated", "ma_thu_tuc", value=code, first=self.seen[code])
        elif code:
            self.seen[code] = row
        if r.problems:
            return None, r.problems
        return Procedure(code, values["ten_thu_tuc"], values["linh_vuc"], int(level)), []
