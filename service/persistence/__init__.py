"""Tables, queries and transactions. Nothing here knows about HTTP.

Every table module is imported here, so that ``Base.metadata`` holds the whole schema wherever
the package is used (migrations, the instance archive, tests)."""

from service.persistence import (
    audit,
    audit_tables,
    console_tables,
    endorsement_tables,
    network_tables,
    request_tables,
    tables,
    theme_tables,
    training_tables,
    wallet_tables,
)

__all__ = [
    "audit",
    "audit_tables",
    "console_tables",
    "endorsement_tables",
    "network_tables",
    "request_tables",
    "tables",
    "theme_tables",
    "training_tables",
    "wallet_tables",
]
