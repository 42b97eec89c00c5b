"""Edit the ``[Default Applications]`` of a freedesktop ``mimeapps.list``, keeping the rest.

Only the lines of the named MIME types change; comments, other sections, other types and
the order of everything are kept as the user wrote them. A value is a list of desktop ids,
tried in order (``video/mp4=moments.desktop;vlc.desktop;``).
"""

from __future__ import annotations

from collections.abc import Iterable

DEFAULTS = "Default Applications"


def defaults(text: str) -> dict[str, list[str]]:
    """The ``[Default Applications]`` entries: MIME type → desktop ids in order."""
    found: dict[str, list[str]] = {}
    section = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1]
        elif section == DEFAULTS and "=" in stripped and not stripped.startswith("#"):
            key, value = stripped.split("=", 1)
            found[key.strip()] = _ids(value)
    return found


def set_defaults(text: str, desktop_id: str, mime_types: Iterable[str]) -> str:
    """Put ``desktop_id`` first for each type, keeping the previous ids after it."""
    wanted = list(dict.fromkeys(mime_types))
    current = defaults(text)
    values = {t: [desktop_id, *[i for i in current.get(t, []) if i != desktop_id]] for t in wanted}
    return _rewrite(text, values)


def unset_defaults(
    text: str,
    desktop_id: str,
    mime_types: Iterable[str],
    restore: dict[str, list[str]] | None = None,
) -> str:
    """Take ``desktop_id`` out of each type's list; a list left empty gets ``restore[type]``
    back when given (what another tool's ``default`` replaced), else the line goes."""
    current = defaults(text)
    values: dict[str, list[str] | None] = {}
    for mime in dict.fromkeys(mime_types):
        if mime not in current or desktop_id not in current[mime]:
            continue
        rest = [i for i in current[mime] if i != desktop_id]
        if not rest and restore:
            rest = [i for i in restore.get(mime, []) if i != desktop_id]
        values[mime] = rest or None
    return _rewrite(text, values)


def _ids(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _key(line: str) -> str | None:
    stripped = line.strip()
    if "=" not in stripped or stripped.startswith(("#", "[")):
        return None
    return stripped.split("=", 1)[0].strip()


def _entry(mime: str, ids: list[str]) -> str:
    return f"{mime}={';'.join(ids)};"


def _is_header(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("[") and stripped.endswith("]")


def _rewrite(text: str, values: dict[str, list[str]] | dict[str, list[str] | None]) -> str:
    """Replace the lines of ``values`` in ``[Default Applications]`` (None or [] drops one),
    appending new types at the end of the section; the section is created when missing and
    dropped when nothing is left in it."""
    lines = text.splitlines()
    header = f"[{DEFAULTS}]"
    start = next((i for i, line in enumerate(lines) if line.strip() == header), None)
    if start is None:
        new = [_entry(mime, ids) for mime, ids in values.items() if ids]
        if not new:
            return text
        gap = [""] if lines and lines[-1].strip() else []
        return "\n".join([*lines, *gap, header, *new]) + "\n"
    end = next((i for i in range(start + 1, len(lines)) if _is_header(lines[i])), len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    pending = dict(values)
    body: list[str] = []
    for line in lines[start + 1 : end]:
        key = _key(line)
        if key is not None and key in pending:
            ids = pending.pop(key)
            if ids:
                body.append(_entry(key, ids))
            continue
        body.append(line)
    body += [_entry(mime, ids) for mime, ids in pending.items() if ids]
    before, after = lines[:start], lines[end:]
    if any(line.strip() for line in body):
        result = [*before, header, *body, *after]
    else:
        while after and not after[0].strip() and (not before or not before[-1].strip()):
            after = after[1:]
        result = [*before, *after]
    return "\n".join(result) + "\n" if any(line.strip() for line in result) else ""
