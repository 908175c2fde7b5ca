"""Fetching other issuers' documents for the verifier, guarded against server-side request
forgery: every address a host name resolves to is checked before connecting (loopback, private,
link-local, metadata, multicast and reserved ranges are refused unless configured), the
connection goes to the checked address (no second DNS answer to rebind), each redirect is
checked again, and time, size and redirects are bounded. Answers are cached briefly."""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from service.verification.ob2 import Fetched

Resolver = Callable[[str, int], Sequence[str]]  # host, port -> IP addresses
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
ACCEPT = "application/ld+json, application/json;q=0.9, application/jwt;q=0.8, */*;q=0.1"


class Refused(httpcore.ConnectError):
    """The address is not one the verifier may reach."""


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    timeout: float = 5.0  # for everything one verification fetches, redirects included
    per_host: int = 4  # requests to one host at once
    connections: int = 64  # the pool, shared by every host
    max_bytes: int = 1024 * 1024
    max_redirects: int = 3
    allow_http: bool = False  # plain http URLs (tests on loopback); https otherwise
    allowed_networks: tuple[IPNetwork, ...] = ()  # reachable even though private (tests, intranets)
    cache_seconds: float = 300.0
    cache_entries: int = 256
    ca_bundle: str | None = None  # extra trust anchors (a test CA)


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def refusal(address: str, policy: FetchPolicy) -> str | None:
    """Why this IP address may not be reached, or None."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in network for network in policy.allowed_networks):
        return None
    if ip.is_unspecified or ip.is_multicast:
        return f"{ip} is not a public unicast address"
    if ip.is_loopback:
        return f"{ip} is a loopback address"
    if ip.is_link_local:
        return f"{ip} is a link-local address (cloud metadata lives there)"
    if ip.is_private:
        return f"{ip} is a private network address"
    if ip.is_reserved or not ip.is_global:
        return f"{ip} is not a public unicast address"
    return None


class _GuardedBackend(httpcore.SyncBackend):
    def __init__(self, policy: FetchPolicy, resolver: Resolver) -> None:
        self.policy = policy
        self.resolver = resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self.resolver(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"{host} does not resolve: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"{host} does not resolve")
        for address in addresses:  # every answer must be acceptable, not just the first
            reason = refusal(address, self.policy)
            if reason:
                raise Refused(f"refused: {host} resolves to {reason}")
        return super().connect_tcp(addresses[0], port, timeout, local_address, socket_options)


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, policy: FetchPolicy, resolver: Resolver) -> None:
        context = ssl.create_default_context()
        if policy.ca_bundle:
            context.load_verify_locations(policy.ca_bundle)
        super().__init__(verify=context)
        # httpx builds its pool without a way to pass the network backend: replace it with one
        # that checks addresses (tests/unit/test_fetcher.py fails if this stops guarding).
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=policy.connections,
            network_backend=_GuardedBackend(policy, resolver),
        )


class _HostSlots:
    """At most ``size`` requests to one host at once: a slow host holds its own slots, never
    the whole connection pool, so it cannot starve the verification of other issuers' badges."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()

    def slot(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            found = self._slots.get(host)
            if found is None:
                if len(self._slots) > 4096:  # a bound on memory: requests in flight keep theirs
                    self._slots = {}
                found = self._slots[host] = threading.BoundedSemaphore(self._size)
            return found


@dataclass
class GuardedFetcher:
    policy: FetchPolicy = field(default_factory=FetchPolicy)
    resolver: Resolver = system_resolver
    clock: Callable[[], float] = time.monotonic
    _cache: OrderedDict[str, tuple[float, Fetched]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _hosts: _HostSlots = field(init=False)

    def __post_init__(self) -> None:
        self._hosts = _HostSlots(self.policy.per_host)
        self._client = httpx.Client(
            transport=_GuardedTransport(self.policy, self.resolver),
            timeout=httpx.Timeout(self.policy.timeout),
            follow_redirects=False,
            headers={"Accept": ACCEPT, "User-Agent": "fabrique-a-badges-verifier"},
        )

    def __call__(self, url: str) -> Fetched:
        return self._call(url, self.clock() + self.policy.timeout)

    def within(self, seconds: float | None = None) -> Callable[[str], Fetched]:
        """A fetch for one verification: every document it fetches, redirects included, shares
        one deadline (``policy.timeout`` by default), so a server trickling its answer a byte at
        a time cannot hold the verification longer than that, however many documents it serves."""
        deadline = self.clock() + (self.policy.timeout if seconds is None else seconds)
        return lambda url: self._call(url, deadline)

    def _call(self, url: str, deadline: float) -> Fetched:
        cached = self._cached(url)
        if cached is not None:
            return cached
        try:
            fetched, max_age = self._fetch(url, deadline)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError, ValueError) as exc:
            # A URL the HTTP client cannot even parse (https://0177.0.0.1/, https://①②⑦.0.0.1/):
            # no document, and nothing to wait for.
            return Fetched(
                0, None, f"refused: {url} is not a valid URL ({type(exc).__name__})", "refused-bad-url"
            )
        if fetched.status and max_age > 0:  # answers, not failures, as long as their server allows
            self._store(url, fetched, min(max_age, self.policy.cache_seconds))
        return fetched

    def _fetch(self, url: str, deadline: float) -> tuple[Fetched, float]:
        status, body, reason, max_age = self._get(url, deadline)
        if body is None:
            return Fetched(status, None, reason, _code(reason)), max_age
        try:
            document = json.loads(body)
        except ValueError:
            return Fetched(status, None, f"{url} did not answer JSON", "not-json"), 0
        return Fetched(status, document if isinstance(document, dict) else None, reason), max_age

    def _get(self, url: str, deadline: float) -> tuple[int, bytes | None, str, float]:
        current = url
        for _ in range(self.policy.max_redirects + 1):
            scheme = urlsplit(current).scheme
            if scheme != "https" and not (scheme == "http" and self.policy.allow_http):
                return 0, None, f"refused: {current} is not an https URL", 0
            host = urlsplit(current).netloc.lower()
            slot = self._hosts.slot(host)
            if not slot.acquire(timeout=max(0.0, deadline - self.clock())):
                return 0, None, f"{current} took longer than the deadline (its host is busy)", 0
            try:
                answer = self._one(current, deadline)
            finally:
                slot.release()
            if isinstance(answer, str):  # a redirect
                current = answer
                continue
            return answer
        return 0, None, f"refused: more than {self.policy.max_redirects} redirects from {url}", 0

    def _one(self, current: str, deadline: float) -> str | tuple[int, bytes | None, str, float]:
        """One request: the redirect's target, or (status, body, reason, max_age)."""
        remaining = deadline - self.clock()
        if remaining <= 0:
            return 0, None, f"{current} took longer than the deadline", 0
        try:
            with self._client.stream("GET", current, timeout=httpx.Timeout(remaining)) as response:
                if response.is_redirect and "location" in response.headers:
                    return urljoin(current, response.headers["location"])
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self.policy.max_bytes:
                        return response.status_code, None, f"refused: {current} is larger than the limit", 0
                    if self.clock() > deadline:  # a server trickling its answer
                        return 0, None, f"{current} took longer than the deadline", 0
                max_age = _max_age(response.headers.get("cache-control"))
                if response.status_code >= 400 and response.status_code != 410:
                    return response.status_code, None, f"{current} answered {response.status_code}", max_age
                return response.status_code, bytes(body), "", max_age
        except httpx.ConnectError as exc:
            reason = str(exc) if "refused:" in str(exc) else f"{current} could not be fetched: {exc}"
            return 0, None, reason, 0
        except httpx.TimeoutException:
            return 0, None, f"{current} took longer than the deadline", 0
        except httpx.HTTPError as exc:
            return 0, None, f"{current} could not be fetched: {type(exc).__name__}", 0

    def _cached(self, url: str) -> Fetched | None:
        with self._lock:
            entry = self._cache.get(url)
            if entry is None or entry[0] < self.clock():
                return None
            return entry[1]

    def _store(self, url: str, fetched: Fetched, seconds: float) -> None:
        with self._lock:
            self._cache[url] = (self.clock() + seconds, fetched)
            self._cache.move_to_end(url)
            while len(self._cache) > self.policy.cache_entries:
                self._cache.popitem(last=False)

    def close(self) -> None:
        self._client.close()


_CODES = (
    ("is a loopback address", "refused-loopback"),
    ("is a link-local address", "refused-link-local"),
    ("is a private network address", "refused-private"),
    ("is not a public unicast address", "refused-not-public"),
    ("is not an https URL", "refused-not-https"),
    ("is larger than the limit", "refused-too-large"),
    ("redirects from", "refused-redirects"),
    ("took longer than", "too-slow"),
)


def _code(reason: str) -> str:
    """The message code of a reason this module wrote (it writes both, side by side)."""
    return next((code for text, code in _CODES if text in reason), "unreachable")


def _max_age(cache_control: str | None) -> float:
    """Seconds an answer may be reused (RFC 9111): none for no-cache or no-store, which status
    documents use so that a revocation is seen at once; the policy's bound otherwise."""
    directives = [d.strip().lower() for d in (cache_control or "").split(",")]
    if any(d in {"no-cache", "no-store", "private"} for d in directives):
        return 0
    for directive in directives:
        if directive.startswith("max-age="):
            try:
                return max(0.0, float(directive.split("=", 1)[1]))
            except ValueError:
                return 0
    return float("inf")  # no directive: the policy's bound applies
