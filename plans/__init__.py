"""Bundled data files: the 2020 plan of UBND phường Phú Hữu and the ward PAR framework.

``phu-huu-2020.yaml`` (``cchc-plan/1``) encodes the ward's 2020 plan; values the plan
text does not state are marked ``source: inferred`` with a note. ``par-ward-2020.yaml``
(``cchc-framework/1``) is a model ward framework built from the research draft.
``dossier-columns.yaml`` maps a one-stop export's Vietnamese headers and labels to codes.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
PLAN_2020 = HERE / "phu-huu-2020.yaml"
FRAMEWORK_2020 = HERE / "par-ward-2020.yaml"
DOSSIER_COLUMNS = HERE / "dossier-columns.yaml"
"""The one-stop export's Vietnamese headers and labels (docs/formats.md)."""


def bundled_frameworks() -> list[Path]:
    """The framework files shipped with cchc."""
    return [FRAMEWORK_2020]
