"""
Condition waits for live-path tests: poll the event loop until a predicate holds, or time out.
"""

import asyncio
import time
from collections.abc import Callable

TIMEOUT_SECS = 15.0


async def eventually(predicate: Callable[[], bool], within: float = TIMEOUT_SECS) -> bool:
    """
    Wait until ``predicate()`` is true (polling the event loop); return its final value.
    """
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            return predicate()
        await asyncio.sleep(0.02)
    return True
