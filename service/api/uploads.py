"""Read an uploaded file without ever holding more than the limit in memory."""

from __future__ import annotations

from fastapi import UploadFile

from service.errors import InvalidInput


async def read_capped(upload: UploadFile, max_bytes: int) -> bytes:
    content = await upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise InvalidInput("image-too-large", field="image", size=f"> {max_bytes}", limit=max_bytes)
    return content
