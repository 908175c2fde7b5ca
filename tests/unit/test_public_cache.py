"""The public cache's rules, with a revision and a clock in the test's hands."""

from __future__ import annotations

from collections.abc import Callable

from service.persistence.public_cache import PublicCache


class Source:
    """The committed revision as the database would answer it; ``during_read`` runs inside
    the read, as a commit by this process at that moment would."""

    def __init__(self) -> None:
        self.revision = 0
        self.reads = 0
        self.during_read: Callable[[], None] | None = None

    def __call__(self) -> int:
        self.reads += 1
        if self.during_read is not None:
            self.during_read()
        return self.revision


def cache_over(source: Source, *, interval: float = 10.0, size: int = 100) -> tuple[PublicCache, list[float]]:
    now = [0.0]
    return PublicCache(source, interval=interval, size=size, clock=lambda: now[0]), now


def test_nothing_is_served_before_the_revision_was_read_once() -> None:
    source = Source()
    cache, _ = cache_over(source)
    cache.put("a", 0, b"A")
    assert cache.due()
    assert cache.get("a") is None
    cache.refresh()
    cache.put("a", 0, b"A")
    assert cache.get("a") == b"A"


def test_the_revision_is_read_again_only_once_the_interval_has_passed() -> None:
    source = Source()
    cache, now = cache_over(source, interval=10.0)
    cache.refresh()
    cache.put("a", 0, b"A")
    now[0] = 9.9
    assert not cache.due()
    source.revision = 1  # another process revoked: unseen for at most the interval
    assert cache.get("a") == b"A"
    now[0] = 10.0
    assert cache.due()
    cache.refresh()
    assert cache.get("a") is None
    assert source.reads == 2


def test_an_unchanged_revision_keeps_every_entry() -> None:
    source = Source()
    cache, now = cache_over(source, interval=1.0)
    cache.refresh()
    cache.put("a", 0, b"A")
    now[0] = 5.0
    cache.refresh()
    assert cache.get("a") == b"A"


def test_an_interval_of_zero_reads_the_revision_before_every_answer() -> None:
    cache, _ = cache_over(Source(), interval=0.0)
    cache.refresh()
    assert cache.due()


def test_what_was_built_at_another_revision_is_not_kept() -> None:
    source = Source()
    cache, _ = cache_over(source)
    source.revision = 4
    cache.refresh()
    cache.put("older", 3, b"built before the last change")
    cache.put("newer", 5, b"built after a change not seen yet")
    assert cache.get("older") is None
    assert cache.get("newer") is None
    assert len(cache) == 0


def test_a_change_by_this_process_drops_everything_at_once() -> None:
    source = Source()
    cache, _ = cache_over(source, interval=3600.0)
    cache.refresh()
    cache.put("a", 0, b"A")
    source.revision = 1
    cache.stale()
    assert cache.due()
    assert cache.get("a") is None
    cache.refresh()
    cache.put("a", 1, b"A2")
    assert cache.get("a") == b"A2"


def test_a_read_that_a_change_by_this_process_overtook_does_not_count() -> None:
    """The revision read may come back older than the commit that called ``stale`` meanwhile:
    the cache must not settle on it."""
    source = Source()
    cache, _ = cache_over(source, interval=3600.0)
    cache.refresh()

    def commit_meanwhile() -> None:
        source.during_read = None
        cache.stale()  # the read below still answers the revision of before

    source.during_read = commit_meanwhile
    cache.refresh()
    assert cache.due()
    cache.put("a", 0, b"built before the change")
    assert cache.get("a") is None
    source.revision = 1
    cache.refresh()
    assert not cache.due()
    assert cache.get("a") is None


def test_the_least_recently_used_entry_goes_first_when_full() -> None:
    source = Source()
    cache, _ = cache_over(source, size=2)
    cache.refresh()
    cache.put("a", 0, 1)
    cache.put("b", 0, 2)
    assert cache.get("a") == 1
    cache.put("c", 0, 3)
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (1, 3)
