"""paused_collector: no cyclic collection inside, the caller's setting after."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from mtosched.collector import paused_collector


@pytest.fixture
def collector_on() -> Iterator[None]:
    running = gc.isenabled()
    gc.enable()
    yield
    if not running:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_paused_inside_and_running_again_after_even_on_error() -> None:
    """An exception leaving the block still turns the collector back on."""
    with pytest.raises(ValueError), paused_collector():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_nested_blocks_leave_it_to_the_outer_one() -> None:
    """The inner block found it paused, so it does not turn it on."""
    with paused_collector():
        with paused_collector():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_caller_who_turned_it_off_keeps_it_off() -> None:
    """Decorating works too, and respects a collector turned off before."""
    running = gc.isenabled()
    gc.disable()
    try:

        @paused_collector()
        def work() -> int:
            return 1

        assert work() == 1
        assert not gc.isenabled()
    finally:
        if running:
            gc.enable()


@pytest.mark.usefixtures("collector_on")
def test_objects_someone_froze_stay_frozen() -> None:
    """The move to the oldest generation is skipped when others froze objects."""
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with paused_collector():
            pass
        # not grown: a freeze of its own would add every tracked object
        # (frozen objects that another thread frees may leave meanwhile)
        assert gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


@pytest.mark.usefixtures("collector_on")
def test_what_the_block_built_is_old_afterwards() -> None:
    """No young collection is owed for the block's objects: gen 0 is empty."""
    with paused_collector():
        built = [[i] for i in range(10_000)]
    assert gc.get_count()[0] < 100
    assert len(built) == 10_000
