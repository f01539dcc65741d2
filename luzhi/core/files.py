"""File downloads: one response helper and the content types LuZhi serves."""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse
from django.http import HttpResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"


def ascii_fallback(name: str) -> str:
    """An ASCII file name for old clients: non-ASCII characters become underscores."""
    stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
    clean = "".join(c if c.isascii() and (c.isalnum() or c in "_-") else "_" for c in stem)
    clean = clean.strip("_") or "download"
    ext = "".join(c for c in ext if c.isascii() and c.isalnum())
    return f"{clean}.{ext}" if dot and ext else clean


def content_disposition(name: str, fallback: str | None = None, *, inline: bool = False) -> str:
    """``attachment`` (or ``inline``) with an ASCII ``filename`` and the real (UTF-8)
    ``filename*`` (RFC 6266), so a Chinese file name survives every browser."""
    kind = "inline" if inline else "attachment"
    fallback = fallback or ascii_fallback(name)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def file_response(
    content,
    *,
    filename: str,
    content_type: str,
    fallback: str | None = None,
    inline: bool = False,
):
    """A download of ``content`` (bytes or an open file) named ``filename``."""
    if isinstance(content, bytes | bytearray):
        response = HttpResponse(bytes(content), content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, fallback, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    return response
