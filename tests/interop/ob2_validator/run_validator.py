"""Run the 1EdTech OB 2.0 validator on one input, offline. Executed by the validator's own venv.

Reads a JSON request on stdin: {"input": URL or JWS, "email": expected recipient or null,
"public_url": the service's public base URL, "local_url": where that service really listens,
"contexts": {context URL: local file}}. Every HTTP request the validator makes goes through
``requests`` and so through ``responses``: requests under public_url are forwarded to the live
server on loopback, contexts are answered from local copies, anything else fails (no network).
Prints the validator's report as JSON on stdout. With "repeat": N, verifies N times more and
adds "seconds", the time those N took inside this process (for bench/verification.py).
"""

import collections
import collections.abc
import json
import re
import sys
import time
import urllib.error
import urllib.request

# python-jose 3.0.1 (pinned by the validator) imports these from their pre-3.10 home.
for _name in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable"):
    setattr(collections, _name, getattr(collections.abc, _name))

import responses  # noqa: E402
from openbadges import verify  # noqa: E402


def main():
    request = json.load(sys.stdin)
    public, local = request["public_url"], request["local_url"]

    def forward(prepared):
        url = local + prepared.url[len(public) :]
        headers = {k: v for k, v in prepared.headers.items() if k.lower() in ("accept", "accept-language")}
        try:
            request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback http only (checked)
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                return answer.status, {"Content-Type": answer.headers.get("Content-Type", "")}, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, {"Content-Type": error.headers.get("Content-Type", "")}, error.read()

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for context_url, path in request["contexts"].items():
            with open(path, "rb") as handle:
                body = handle.read()
            mock.add(responses.GET, context_url, body=body, content_type="application/ld+json")
        mock.add_callback(responses.GET, re.compile(re.escape(public) + "/.*"), callback=forward)
        report = verify(
            request["input"],
            recipient_profile={"email": request["email"]} if request["email"] else None,
            use_cache=False,
        )
        fetched = [call.request.url for call in mock.calls]
        repeat = int(request.get("repeat") or 0)
        start = time.perf_counter()
        for _ in range(repeat):
            verify(
                request["input"],
                recipient_profile={"email": request["email"]} if request["email"] else None,
                use_cache=False,
            )
        seconds = time.perf_counter() - start
    print(
        json.dumps({"report": report["report"], "fetched": fetched, "seconds": seconds if repeat else None})
    )


if __name__ == "__main__":
    main()
