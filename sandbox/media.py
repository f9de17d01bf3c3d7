"""Files inside messages: documents, photo sizes and stickers, for bot and simulated users."""

from __future__ import annotations

import mimetypes
import struct
import zlib
from typing import Any

from sandbox.errors import bad_request
from sandbox.models import StoredFile
from sandbox.params import Upload
from sandbox.world import World

_GENERIC_TYPES = {"", "application/octet-stream"}


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, JPEG, GIF or WebP image; None if it is not one."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return int(w), int(h)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return 512, 512
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xC0, 0xC1, 0xC2):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(w), int(h)
            (seg_len,) = struct.unpack(">H", data[i + 2 : i + 4])
            i += 2 + seg_len
        return 640, 480
    return None


def tiny_png(width: int = 2, height: int = 2) -> bytes:
    """A valid PNG, so simulated users can send photos without fixture files."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\xff\x80\x00" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def guess_mime(filename: str | None, declared: str | None) -> str:
    if declared and declared not in _GENERIC_TYPES:
        return declared
    if filename:
        guessed, _ = mimetypes.guess_type(filename)
        if guessed:
            return guessed
    return "application/octet-stream"


def resolve_input_file(w: World, value: Upload | str, kind: str) -> StoredFile:
    """An InputFile or String parameter: an upload, an HTTP URL, or a known file_id."""
    if isinstance(value, Upload):
        if not value.data:
            raise bad_request("file must be non-empty")
        if kind == "photo" and image_size(value.data) is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        mime = guess_mime(value.filename, value.content_type)
        return w.store_file(kind, value.data, value.filename, mime)
    if value.startswith(("http://", "https://")):
        name = value.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or None
        return w.store_file(kind, b"", name, guess_mime(name, None), url=value)
    stored = w.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind and "photo" in (stored.kind, kind):
        raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
    return stored


def document_json(stored: StoredFile) -> dict[str, Any]:
    d: dict[str, Any] = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    if stored.filename:
        d["file_name"] = stored.filename
    if stored.mime_type:
        d["mime_type"] = stored.mime_type
    d["file_size"] = stored.size
    return d


def photo_sizes(w: World, stored: StoredFile) -> list[dict[str, Any]]:
    """Telegram returns several sizes, smallest first; a thumbnail plus the original here."""
    width, height = image_size(stored.data) or (800, 600)
    scale = 90 / max(width, height)
    sizes = []
    if scale < 1:
        thumb = w.store_file("photo", stored.data, None, stored.mime_type, url=stored.url)
        sizes.append(
            {
                "file_id": thumb.file_id,
                "file_unique_id": thumb.file_unique_id,
                "file_size": thumb.size,
                "width": max(1, round(width * scale)),
                "height": max(1, round(height * scale)),
            }
        )
    sizes.append(
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "width": width,
            "height": height,
        }
    )
    return sizes


def sticker_json(stored: StoredFile, emoji: str) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
        "file_size": stored.size,
    }
