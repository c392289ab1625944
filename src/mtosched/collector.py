"""Pausing Python's cyclic garbage collector while bulk data is built.

Reading and compiling a large scenario makes millions of objects and no
cycles worth collecting, yet every 700 allocations start a collection, and
the older generations' collections walk everything built so far: about a
third of `mtosched validate` at 50,000 orders (issue 16). Reference counting
frees what it always frees; cycles wait for the collector to run again.
Afterwards what was built counts as old, so that the first collection does
not walk it all either.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_collector() -> Iterator[None]:
    """Run a block without cyclic collection; as before afterwards.

    Nested or concurrent uses are safe: only the outermost one that found
    the collector running turns it back on, and none turns it on when the
    caller had turned it off.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            if gc.get_freeze_count() == 0:
                # What the block built lives on: freezing and unfreezing moves
                # it to the oldest generation at once, where the next young
                # collection would have walked all of it first.
                gc.freeze()
                gc.unfreeze()
            gc.enable()
