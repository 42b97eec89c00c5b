"""Request bodies for ``share/http.py``: bytes, JSON, forms, files and multipart, sent in
blocks so an upload streams from disk with progress."""

from __future__ import annotations

import json
import secrets
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moments.core.errors import ShareError

BLOCK = 256 * 1024


@dataclass(frozen=True)
class Body:
    """A request body sent in blocks: ``length`` bytes from ``blocks()``."""

    content_type: str
    length: int
    blocks: Callable[[], Iterator[bytes]]

    @classmethod
    def of_bytes(cls, data: bytes, content_type: str) -> Body:
        return cls(content_type, len(data), lambda: iter((data,)))

    @classmethod
    def of_json(cls, value: Any) -> Body:
        return cls.of_bytes(json.dumps(value, ensure_ascii=False).encode(), "application/json")

    @classmethod
    def of_form(cls, fields: Sequence[tuple[str, str]]) -> Body:
        encoded = urllib.parse.urlencode(list(fields)).encode()
        return cls.of_bytes(encoded, "application/x-www-form-urlencoded")

    @classmethod
    def of_file(cls, path: Path, content_type: str) -> Body:
        return cls(content_type, _file_size(path), lambda: _read_blocks(path))


def multipart(fields: Sequence[tuple[str, str]], files: Sequence[tuple[str, Path, str]]) -> Body:
    """``multipart/form-data`` of text ``fields`` and ``files`` (name, path, content type),
    streamed from disk."""
    boundary = f"moments-{secrets.token_hex(12)}"
    parts: list[bytes | Path] = []
    for name, value in fields:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{_quoted(name)}"\r\n\r\n'
        parts.append(head.encode() + value.encode() + b"\r\n")
    for name, path, content_type in files:
        disposition = f'form-data; name="{_quoted(name)}"; filename="{_quoted(path.name)}"'
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        parts += [f"{head}Content-Type: {content_type}\r\n\r\n".encode(), path, b"\r\n"]
    parts.append(f"--{boundary}--\r\n".encode())
    length = sum(_file_size(p) if isinstance(p, Path) else len(p) for p in parts)

    def blocks() -> Iterator[bytes]:
        for part in parts:
            if isinstance(part, Path):
                yield from _read_blocks(part)
            else:
                yield part

    return Body(f"multipart/form-data; boundary={boundary}", length, blocks)


def _read_blocks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            yield block


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as exc:
        raise ShareError(f"The file to post, {path.name}, cannot be read: {exc.strerror}.") from exc


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', "%22").replace("\r", " ").replace("\n", " ")
