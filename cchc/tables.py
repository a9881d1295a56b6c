"""Reading tables users give us (CSV or XLSX): moved to ``application.tables`` so the web can
read them too; this name stays for the command line and the tests."""

from application.tables import (
    MAX_CELL,
    MAX_CSV_BYTES,
    MAX_ROWS,
    MAX_XLSX_XML,
    Rows,
    check_xlsx_size,
    read_table,
)

__all__ = [
    "MAX_CELL",
    "MAX_CSV_BYTES",
    "MAX_ROWS",
    "MAX_XLSX_XML",
    "Rows",
    "check_xlsx_size",
    "read_table",
]
