"""Answering from the public documents cache on the event loop: the revision re-read and the
documents built in worker threads (``service.persistence.public_cache.PublicCache``)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

from service.persistence.public_cache import PublicCache

T = TypeVar("T")


async def fresh(cache: PublicCache) -> PublicCache:
    """``cache``, its revision re-read first when due (a query, run off the event loop)."""
    if cache.due():
        await run_in_threadpool(cache.refresh)
    return cache


async def answer(cache: PublicCache, key: Hashable, build: Callable[..., tuple[int, T]], *args: Any) -> T:
    """What ``cache`` holds under ``key`` at the current revision; else ``build(*args)``, run in a
    worker thread, which returns the revision it read before its data and the value, kept."""
    found: T | None = (await fresh(cache)).get(key)
    if found is not None:
        return found
    revision, value = await run_in_threadpool(build, *args)
    cache.put(key, revision, value)
    return value
