"""Hashtag suggestions from a title: a file name or the source's metadata title.

``"The.Grand.Budapest.Hotel.2014.1080p.BluRay.x264.mkv"`` → ``#GrandBudapestHotel``,
``#Grand``, ``#Budapest``, ``#Hotel``: the extension, bracketed tags, the release junk from
the year or the first quality/codec/episode tag on, a leading article, stop-words and numbers
are dropped. Hashtags themselves are normalised by ``presets.normalize_hashtags``.
"""

from __future__ import annotations

import re

from moments.core.presets import normalize_hashtags


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


MEDIA_SUFFIXES = _word_set(
    "mkv mp4 m4v mov avi webm wmv flv mpg mpeg ts m2ts mts 3gp ogv vob m3u8 mp3 m4a aac "
    "flac ogg opus wav srt vtt ass"
)
_JUNK = re.compile(
    r"^(?:\d{3,4}[pi]|[48]k|uhd|s\d{1,2}(?:e\d{1,3})+|\d{1,2}x\d{2}|e\d{2,3}|"
    r"x26[45]|h26[45]|hevc|avc|xvid|divx|av1|vp9|aac\d*|ac3|e?ac3|dts(?:hd)?|ddp?\d*|truehd|"
    r"atmos|flac|bluray|blu|brrip|bdrip|bdremux|remux|webrip|webdl|hdtv|dvdrip|dvdscr|hdrip|"
    r"hdr\d*|10bit|8bit|sdr|proper|repack|extended|unrated|remastered|imax|yts|yify|rarbg)$",
    re.IGNORECASE,
)
"""Release tags: a title ends where the first of these (or a year) starts."""
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_SEPARATORS = re.compile(r"[\s._\-–—:;,!?()&+/\\|\"“”«»]+")
_BRACKETS = re.compile(r"\[[^\]]*\]|\{[^}]*\}")
_MOMENT_SUFFIX = re.compile(r"\s+at\s+\d+(?::\d\d)+(?:\.\d+)?\s*$")
"""The default Moment title ends with `` at 1:23``."""
_SUBTITLE = re.compile(r"\s+[-–—:]\s+|:\s+")
_ARTICLES = frozenset({"the", "a", "an"})
MAX_WHOLE = 30
"""Characters of the CamelCase title tag; longer ones are not read."""
STOP_WORDS = _word_set(
    """a an the and or but of in on at to for from by with without into onto over under up
    down off out about after before as is are was were be been it its this that these those
    my your his her our their me you him them we they i he she what who how why when where
    not no yes all any some so than too very can will just do does did vs part chapter
    le la les un une des du de et en au aux der die das ein eine und von zu mit el los las
    y del il lo gli della
    video film movie clip untitled recording screen index stream live playlist master
    vid img pxl dsc mvi gopr dji trailer sample"""
)
"""Words too common to be a hashtag alone (English, a little French, German, Spanish,
Italian) and generic file-name words."""


def title_words(title: str) -> list[str]:
    """The words of the title part of ``title`` (extension, tags and release junk gone)."""
    text = _MOMENT_SUFFIX.sub("", title.strip())
    stem, dot, suffix = text.rpartition(".")
    if dot and suffix.lower() in MEDIA_SUFFIXES:
        text = stem
    text = _BRACKETS.sub(" ", text)
    words = [w.strip("'’") for w in _SEPARATORS.split(text)]
    words = [w for w in words if w]
    for position, word in enumerate(words):
        if _JUNK.match(word) or (position > 0 and _YEAR.match(word)):
            return words[:position]
    return words


def suggest_hashtags(title: str, *, limit: int = 6) -> list[str]:
    """Up to ``limit`` hashtags for ``title``: the main title (before `` - `` or ``: ``) in
    CamelCase without a leading article first, when short enough; then the significant
    words of the whole title."""
    words = title_words(title)
    main = title_words(_SUBTITLE.split(title.strip(), maxsplit=1)[0]) or words
    candidates: list[str] = []
    whole = "".join(_capitalised(w) for w in _without_article(main))
    if any(_significant(w) for w in main) and len(whole) <= MAX_WHOLE:
        candidates.append(whole)
    candidates += [_capitalised(w) for w in _without_article(words) if _significant(w)]
    return normalize_hashtags(candidates)[:limit]


def _without_article(words: list[str]) -> list[str]:
    return words[1:] if len(words) > 1 and words[0].casefold() in _ARTICLES else words


def _significant(word: str) -> bool:
    if word.casefold() in STOP_WORDS or any(c.isdigit() for c in word):
        return False
    return len(word) >= 3 or any(ord(c) > 0x2E80 for c in word)  # CJK words are short


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]
