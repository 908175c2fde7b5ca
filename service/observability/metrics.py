"""Prometheus metrics. Request counts and latencies are per process (scrape every process, or
sum them); awards and the outbox are read from the database at scrape time, so any one process
reports the figures of the whole deployment."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from service.persistence.database import Database
from service.persistence.repositories import Awards
from service.persistence.training_repositories import Outbox

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class DatabaseFigures(Collector):
    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        with self.database.transaction(write=False) as session:
            issued, revoked = Awards(session).counts()
            states = Outbox(session).depth()
        awards = CounterMetricFamily("fabrique_awards_issued", "Awards issued, all issuers", labels=[])
        awards.add_metric([], issued)
        yield awards
        revocations = CounterMetricFamily("fabrique_awards_revoked", "Awards revoked, all issuers", labels=[])
        revocations.add_metric([], revoked)
        yield revocations
        depth = GaugeMetricFamily(
            "fabrique_outbox_messages", "Emails in the outbox by state", labels=["state"]
        )
        for state in ("pending", "sending", "sent", "failed"):
            depth.add_metric([state], states.get(state, 0))
        yield depth


class _RateLimitFailures(Collector):
    def __init__(self, failures: Callable[[], int]) -> None:
        self._failures = failures

    def collect(self) -> Iterator[CounterMetricFamily]:
        yield CounterMetricFamily(
            "fabrique_rate_limit_storage_failures",
            "Calls to the rate-limit storage that failed or timed out (requests let through)",
            value=self._failures(),
        )


class Metrics:
    def __init__(self, database: Database) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "fabrique_http_requests",
            "HTTP requests handled by this process",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "fabrique_http_request_duration_seconds",
            "Time to answer an HTTP request, by route",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(DatabaseFigures(database))

    def count_rate_limit_failures(self, failures: Callable[[], int]) -> None:
        """Expose how often the rate-limit storage (Redis) failed, read when scraped."""
        self.registry.register(_RateLimitFailures(failures))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)
