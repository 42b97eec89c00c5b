"""Subtitles as plain text with times: SubRip (.srt), WebVTT (.vtt) and ASS/SSA (.ass, .ssa).

Every parser is lenient: a block it cannot read is skipped (and counted in the log), never
raised, so one broken cue does not lose a film's subtitles. Cue text comes out clean: markup
(``<i>``, ``<v Speaker>``, ``{\\an8}``…) stripped, entities decoded, lines joined by ``\\n``.
Times are seconds in the file's own timeline. Pure: no Qt, no processes.
"""

from __future__ import annotations

import dataclasses
import html
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from moments.core.captions import Caption
from moments.core.errors import MediaError

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
"""A subtitle file larger than this is not a subtitle file."""
SUFFIXES = (".srt", ".vtt", ".ass", ".ssa")


@dataclass(frozen=True)
class Cue:
    """One subtitle: shown from ``start`` to ``end`` (seconds), plain ``text``."""

    start: float
    end: float
    text: str
    speaker: str = ""
    """The voice (WebVTT ``<v Name>``, ASS ``Name`` field) when the file names one."""


# --- reading files ------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_subtitle_bytes(data: bytes) -> str:
    """Text of a subtitle file: the BOM's encoding, else UTF-8, else cp1252, else latin-1.
    Line ends become ``\\n``."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            break
    else:
        for encoding in ("utf-8", "cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def read_subtitle_file(path: Path) -> list[Cue]:
    """Cues of a ``.srt``/``.vtt``/``.ass``/``.ssa`` file (format from its content, else its
    suffix). Raises MediaError when the file cannot be read; an empty list when it holds no
    readable cue."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise MediaError(f"“{path.name}” is too large to be a subtitle file.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise MediaError(f"“{path.name}” does not exist (moved or renamed).") from None
    except IsADirectoryError:
        raise MediaError(f"“{path.name}” is a folder, not a subtitle file.") from None
    except OSError as exc:
        raise MediaError(f"“{path.name}” could not be read: {exc.strerror or exc}.") from exc
    return parse_subtitles(decode_subtitle_bytes(data), hint=path.suffix)


def parse_subtitles(text: str, *, hint: str = "") -> list[Cue]:
    """Parse subtitle text in any supported format, recognised from its content; ``hint``
    (a suffix such as ``".ass"``) decides when the content does not."""
    text = text.lstrip("\ufeff")
    head = text.lstrip()[:4096].lower()
    if head.startswith("webvtt"):
        return parse_vtt(text)
    if "[script info]" in head or "[events]" in head or head.startswith("dialogue:"):
        return parse_ass(text)
    hint = hint.lower()
    if hint == ".vtt":
        return parse_vtt(text)
    if hint in (".ass", ".ssa"):
        return parse_ass(text)
    return parse_srt(text)


# --- SubRip -------------------------------------------------------------------------------

_CLOCK = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[,.](\d+))?"
_TIMING = re.compile(rf"^\s*{_CLOCK}\s*-->\s*{_CLOCK}")


def parse_srt(text: str) -> list[Cue]:
    """SubRip cues. A cue is a timing line and its text, up to a blank line before the next
    counter or timing; a missing counter or blank line is tolerated, a block with a broken
    timing is dropped."""
    lines = _lines(text)
    timings = [i for i, line in enumerate(lines) if _TIMING.match(line)]
    cues: list[Cue] = []
    for n, at in enumerate(timings):
        stop = timings[n + 1] if n + 1 < len(timings) else len(lines)
        body = _srt_body(lines[at + 1 : stop], last=n + 1 == len(timings))
        match = _TIMING.match(lines[at])
        assert match is not None
        start, end = _clock(match.groups()[:4]), _clock(match.groups()[4:])
        cues.append(Cue(start, end, clean_markup("\n".join(body))))
    return _tidy(cues, "SubRip")


def _srt_body(lines: list[str], *, last: bool) -> list[str]:
    """A cue's text lines: up to a blank line that a counter or a timing follows; without
    one, less a number right before the next timing (its counter, the blank line missing)."""
    for i, line in enumerate(lines[:-1]):
        following = lines[i + 1].strip()
        if not line.strip() and (following.isdigit() or "-->" in following):
            return lines[:i]
    if not last and lines and lines[-1].strip().isdigit():
        return lines[:-1]
    return lines


# --- WebVTT -------------------------------------------------------------------------------

_VTT_TIMING = re.compile(rf"^\s*{_CLOCK}\s*-->\s*{_CLOCK}(?:\s|$)")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")


def parse_vtt(text: str) -> list[Cue]:
    """WebVTT cues: the header, NOTE, STYLE and REGION blocks skipped; identifiers and cue
    settings ignored; timestamps with or without hours; ``<v Speaker>`` kept as the speaker."""
    cues: list[Cue] = []
    for block in re.split(r"\n[ \t]*\n", "\n".join(_lines(text))):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        first = lines[0].strip()
        if re.match(r"^(NOTE|STYLE|REGION)(\s|$)", first):
            continue
        if re.match(r"^WEBVTT(\s|$)", first):  # the header; a cue glued to it still counts
            lines = lines[next((i for i, x in enumerate(lines) if "-->" in x), len(lines)) :]
            if not lines:
                continue
        cue = _vtt_cue(lines)
        if cue is None:
            log.debug("WebVTT block without a timing skipped: %r", first[:60])
        else:
            cues.append(cue)
    return _tidy(cues, "WebVTT")


def _vtt_cue(lines: list[str]) -> Cue | None:
    at = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
    match = _VTT_TIMING.match(lines[at]) if at is not None else None
    if at is None or match is None:
        return None
    body = "\n".join(lines[at + 1 :])
    voice = _VOICE.search(body)
    speaker = html.unescape(voice.group(1).strip()) if voice else ""
    start, end = _clock(match.groups()[:4]), _clock(match.groups()[4:])
    return Cue(start, end, clean_markup(body), speaker)


# --- ASS / SSA ----------------------------------------------------------------------------

_ASS_DEFAULT_FORMAT: tuple[str, ...] = ("layer", "start", "end", "style", "name")
_ASS_DEFAULT_FORMAT += ("marginl", "marginr", "marginv", "effect", "text")
_ASS_TIME = re.compile(r"^\s*(\d+):(\d{1,2}):(\d{1,2})(?:[.,](\d+))?\s*$")
_ASS_BLOCK = re.compile(r"\{([^}]*)\}")
_ASS_DRAWING = re.compile(r"\\p(\d+)")


def parse_ass(text: str) -> list[Cue]:
    """ASS/SSA ``Dialogue:`` lines of the ``[Events]`` section, fields in the order of its
    ``Format:`` line; override blocks ``{\\...}`` and drawings removed, ``\\N`` a new line."""
    fields = _ASS_DEFAULT_FORMAT
    section = ""
    cues: list[Cue] = []
    for line in _lines(text):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped.lower()
            continue
        key, sep, value = stripped.partition(":")
        if not sep or section not in ("", "[events]"):
            continue
        key = key.strip().lower()
        if key == "format":
            names = tuple(name.strip().lower() for name in value.split(","))
            if "start" in names and "end" in names and names[-1] == "text":
                fields = names
        elif key == "dialogue":
            cue = _ass_dialogue(value, fields)
            if cue is None:
                log.debug("ASS dialogue line skipped: %r", stripped[:80])
            else:
                cues.append(cue)
    return _tidy(cues, "ASS")


def _ass_dialogue(value: str, fields: tuple[str, ...]) -> Cue | None:
    parts = value.lstrip().split(",", len(fields) - 1)
    if len(parts) != len(fields):
        return None
    record = dict(zip(fields, parts, strict=True))
    start, end = _ass_time(record["start"]), _ass_time(record["end"])
    if start is None or end is None:
        return None
    return Cue(start, end, clean_ass_text(record["text"]), record.get("name", "").strip())


def _ass_time(text: str) -> float | None:
    match = _ASS_TIME.match(text)
    return _clock(match.groups()) if match else None


def clean_ass_text(text: str) -> str:
    """ASS event text as plain text: ``{...}`` blocks dropped (with the drawing they start),
    ``\\N``/``\\n`` line breaks, ``\\h`` a space."""
    pieces: list[str] = []
    drawing = False
    position = 0
    for block in _ASS_BLOCK.finditer(text):
        if not drawing:
            pieces.append(text[position : block.start()])
        levels = _ASS_DRAWING.findall(block.group(1))
        if levels:
            drawing = int(levels[-1]) > 0
        position = block.end()
    if not drawing:
        pieces.append(text[position:])
    plain = "".join(pieces).replace("\\N", "\n").replace("\\n", "\n").replace("\\h", " ")
    return clean_markup(plain)


# --- text and times -----------------------------------------------------------------------

_TAG = re.compile(r"</?[a-zA-Z][^<>]*>|<\d[\d:.]*>")
_RUBY_TEXT = re.compile(r"<rt(?:\.[^>]*)?>.*?</rt>", re.DOTALL)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")


def clean_markup(text: str) -> str:
    """Plain text of a cue: HTML-like tags and ``{\\...}`` overrides stripped, entities
    (``&amp;``, ``&lrm;``…) decoded, spaces tidied, empty lines dropped."""
    text = _RUBY_TEXT.sub("", text)
    text = _ASS_BLOCK.sub(lambda m: "" if m.group(1).startswith("\\") else m.group(0), text)
    text = _TAG.sub("", text)
    text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _clock(groups: Sequence[str | None]) -> float:
    hours, minutes, seconds, fraction = groups
    value = int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0)
    return value + (float(f"0.{fraction}") if fraction else 0.0)


def _lines(text: str) -> list[str]:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _tidy(cues: Iterable[Cue], kind: str) -> list[Cue]:
    """Sorted by start; empty, backwards and duplicate cues (ASS layers) dropped."""
    kept: list[Cue] = []
    seen: set[tuple[float, float, str]] = set()
    dropped = 0
    for cue in cues:
        key = (cue.start, cue.end, cue.text)
        if not cue.text or cue.end <= cue.start or key in seen:
            dropped += 1
            continue
        seen.add(key)
        kept.append(cue)
    if dropped:
        log.debug("%s: %d empty, backwards or repeated cues dropped", kind, dropped)
    return sorted(kept, key=lambda cue: (cue.start, cue.end))


# --- cues in a moment ---------------------------------------------------------------------


def cues_between(cues: Iterable[Cue], start: float, end: float) -> list[Cue]:
    """The cues on screen at some point of ``[start, end)``: those that overlap it."""
    return [cue for cue in cues if cue.start < end and cue.end > start]


def captions_from_cues(
    cues: Iterable[Cue],
    clip_start: float,
    clip_end: float,
    *,
    template: Caption | None = None,
    with_speaker: bool = False,
) -> list[Caption]:
    """Captions for the clip ``[clip_start, clip_end)`` (source seconds) from the cues that
    overlap it: times relative to the clip's start and clamped into it, anchored to the cue's
    source times (``Caption.placed_in``); position and style
    copied from ``template``; ``with_speaker`` prefixes ``"Name: "`` when the cue names one."""
    base = template if template is not None else Caption("")
    length = clip_end - clip_start
    captions: list[Caption] = []
    for cue in cues_between(cues, clip_start, clip_end):
        text = f"{cue.speaker}: {cue.text}" if with_speaker and cue.speaker else cue.text
        start = min(max(cue.start - clip_start, 0.0), length)
        end = min(max(cue.end - clip_start, 0.0), length)
        captions.append(
            dataclasses.replace(
                base, text=text, start=start, end=end, source_start=cue.start, source_end=cue.end
            )
        )
    return captions
