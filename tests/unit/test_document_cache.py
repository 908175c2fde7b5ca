from service.api.document_cache import DocumentCache


def test_documents_expire_are_forgotten_and_are_bounded() -> None:
    now = [0.0]
    cache = DocumentCache(ttl=10, size=2, clock=lambda: now[0])
    cache.put("credential", "a", b"A")
    cache.put("assertion", "a", b"A2")
    assert cache.get("credential", "a") == b"A"
    now[0] = 10.5
    assert cache.get("credential", "a") is None  # older than the ttl
    cache.put("credential", "a", b"A")
    cache.put("credential", "b", b"B")
    cache.put("credential", "c", b"C")
    assert cache.get("credential", "a") is None  # the oldest went when the third came
    assert cache.get("credential", "c") == b"C"
    cache.forget("c")
    assert cache.get("credential", "c") is None
    assert cache.get("credential", "b") == b"B"
