"""Shared HTTP plumbing of the API and the pages: request dependencies, problem details,
content negotiation, body and admission limits, rate limits."""
