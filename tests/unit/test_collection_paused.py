"""The bulk materialise pauses Python's cycle collector: a long-running runner must get it
back as it was, whatever happens in the block (or it would keep every cycle for ever)."""

from __future__ import annotations

import gc

import pytest

from application.occurrences import cycle_collection_paused


def test_the_collector_is_off_inside_and_back_on_after_even_when_the_block_fails() -> None:
    assert gc.isenabled()
    with cycle_collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cycle_collection_paused():
        raise RuntimeError("the database went away")
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_process_stays_off() -> None:
    gc.disable()
    try:
        with cycle_collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
