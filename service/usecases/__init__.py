"""Use cases: orchestrate domain rules, repositories and keys. They never commit."""
