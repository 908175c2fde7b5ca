"""Operations: request ids, access logs (JSON or text, without personal data), Prometheus metrics."""
