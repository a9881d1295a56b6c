"""Persistence: engines, migrations and the functions that read and write the domain.

Storage functions take a keyword-only ``session`` and an explicit ``now``/``actor``;
nothing here reads the wall clock or the environment.
"""
