"""The domain core of cchc: plain Python on dataclasses, no framework imports.

Plan rules, file validation, the PAR framework tree and (later) schedules, working
days, reminder decisions, KPI formulas and scoring live here. Storage, orchestration,
channels and front ends depend on this package, never the reverse (an import-linter
contract in ``pyproject.toml`` keeps it so).
"""
