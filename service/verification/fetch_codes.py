"""Why the guarded fetcher gave no document, as message codes (``i18n.verification``)."""

REFUSALS = frozenset(
    {
        "refused-loopback",
        "refused-bad-url",
        "refused-link-local",
        "refused-private",
        "refused-not-public",
        "refused-not-https",
        "refused-too-large",
        "refused-redirects",
        "too-slow",
        "not-json",
    }
)
