"""Turn an uploaded or inline image into a checked one, or a user-facing error."""

from __future__ import annotations

from service.baking.images import CheckedImage, ImageRejected, check_image
from service.errors import InvalidInput


def accept_image(content: bytes, *, declared_type: str | None, max_bytes: int, field: str) -> CheckedImage:
    try:
        image = check_image(content, max_bytes=max_bytes)
    except ImageRejected as exc:
        raise InvalidInput(exc.code, field=field, **exc.params) from exc
    if declared_type and declared_type not in {image.media_type, "application/octet-stream"}:
        raise InvalidInput(
            "image-type-mismatch", field=field, declared=declared_type, actual=image.media_type
        )
    return image
