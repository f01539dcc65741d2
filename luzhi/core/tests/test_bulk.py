"""Bulk work keeps what it has built out of the garbage collector's rescans, and hands it all
back when the last block in the process ends."""

import gc

import pytest

from luzhi.core.bulk import gc_kept_still
from luzhi.core.bulk import keep_still


@pytest.fixture(autouse=True)
def _nothing_frozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_inside_a_block_what_exists_is_frozen_and_handed_back_at_its_end():
    held = [(i, str(i)) for i in range(1000)]
    with gc_kept_still():
        keep_still()
        assert gc.get_freeze_count() >= len(held)
    assert gc.get_freeze_count() == 0


def test_the_last_block_to_end_unfreezes_and_an_error_still_ends_it():
    with gc_kept_still():
        with gc_kept_still():
            keep_still()
        assert gc.get_freeze_count() > 0  # the outer block (another import) still runs
        with pytest.raises(RuntimeError), gc_kept_still():
            raise RuntimeError
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_outside_a_block_nothing_is_frozen():
    keep_still()
    assert gc.get_freeze_count() == 0


def test_young_cycles_are_still_collected_inside_a_block():
    with gc_kept_still():
        keep_still()

        class Node:
            pass

        node = Node()
        node.self = node
        del node
        assert gc.collect() >= 1
