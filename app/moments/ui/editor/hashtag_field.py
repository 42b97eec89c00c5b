"""The hashtag field: typed words become removable chips, with suggestions and a live count.

Space, Enter, a comma or leaving the field turns what was typed into a hashtag, normalised by
``presets.normalize_hashtags`` (``#`` added, punctuation dropped, letters of every script
kept, duplicates ignoring case and digit-only tags refused). A paste of ``"#a #b, c"`` makes
three. Backspace in the empty editor removes the last chip; each chip's × button (a Tab
stop) removes it. Suggestions (``core/hashtags.suggest_hashtags``) are chips to click. The
counter under it checks the post against a preset's ``caption_limit``/``max_hashtags``; the
caller says what the post text is (``set_post_text_provider``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from moments.core.hashtags import suggest_hashtags
from moments.core.presets import ExportPreset, grapheme_count, normalize_hashtags
from moments.ui.common import FlowLayout

PostTextProvider = Callable[[list[str]], str]
_SEPARATORS = re.compile(r"[\s,;，、]+|(?<=[^\s#,;，、])(?=#)")
_OVER = "color: #d93025; font-weight: bold;"
_CHIP_STYLE = """
#hashtagChip { border: 1px solid palette(mid); border-radius: 10px; background: palette(base); }
#hashtagChip QToolButton { border: none; padding: 0 2px; }
#hashtagChip QToolButton:focus { border: 1px solid palette(highlight); border-radius: 6px; }
"""


class _Chip(QFrame):
    """One hashtag, with its × button."""

    remove_requested = Signal(str)

    def __init__(self, tag: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tag = tag
        self.setObjectName("hashtagChip")
        self.setAccessibleName(tag)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 3, 1)
        layout.setSpacing(2)
        self.label = QLabel(tag)
        self.remove_button = QToolButton()
        self.remove_button.setText("×")
        self.remove_button.setAccessibleName(f"Remove {tag}")
        self.remove_button.setToolTip(f"Remove {tag}")
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(tag))
        layout.addWidget(self.label)
        layout.addWidget(self.remove_button)


class HashtagField(QWidget):
    """A token field for hashtags. ``set_*`` calls do not emit; ``tags_changed`` reports the
    user's edits (and ``add_tags``/``remove_tag``) with the new list."""

    tags_changed = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hashtagField")
        self.setAccessibleName("Hashtags")
        self.setStyleSheet(_CHIP_STYLE)
        self._tags: list[str] = []
        self._chips: dict[str, _Chip] = {}
        self._suggested: list[str] = []
        self._preset: ExportPreset | None = None
        self._post_text: PostTextProvider = lambda tags: " ".join(tags)
        self._pasting = False

        self.box = QFrame()
        self.box.setFrameShape(QFrame.Shape.StyledPanel)
        self._flow = FlowLayout(self.box)
        self._flow.setContentsMargins(4, 4, 4, 4)
        self.editor = QLineEdit()
        self.editor.setObjectName("hashtagEditor")
        self.editor.setAccessibleName("New hashtag")
        self.editor.setPlaceholderText("Add hashtags…")
        self.editor.setFrame(False)
        self.editor.setMinimumWidth(140)
        self.editor.textEdited.connect(self._on_text_edited)
        self.editor.editingFinished.connect(self._commit_editor)
        self.editor.installEventFilter(self)
        self._flow.addWidget(self.editor)
        self.setFocusProxy(self.editor)
        # A click anywhere in the box (beside the field, on a chip's name) types there.
        self.box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.box.setFocusProxy(self.editor)

        self.suggestions = QWidget()
        self._suggestion_flow = FlowLayout(self.suggestions)
        self.suggestions.setAccessibleName("Suggested hashtags")
        self.suggestions.hide()
        self.hint = QLabel()
        self.hint.setObjectName("hashtagHint")
        self.hint.setAccessibleName("Hashtag hint")
        self.hint.setWordWrap(True)
        self.hint.hide()
        self.counter = QLabel()
        self.counter.setObjectName("hashtagCounter")
        self.counter.setAccessibleName("Post length")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.box)
        layout.addWidget(self.suggestions)
        layout.addWidget(self.hint)
        layout.addWidget(self.counter)
        self.refresh_counter()

    # --- the tags --------------------------------------------------------------------

    def tags(self) -> list[str]:
        return list(self._tags)

    def set_tags(self, tags: Iterable[str]) -> None:
        """Show ``tags`` (normalised) instead of the current ones. Does not emit."""
        for tag in list(self._tags):
            self._drop_chip(tag)
        self._tags = []
        self._append(normalize_hashtags(tags))
        self._after_change(emit=False)

    def add_tags(self, texts: Iterable[str]) -> list[str]:
        """Add the hashtags made from ``texts``; returns those really added (new, valid)."""
        added = self._append(self._new_tags(texts))
        if added:
            self._after_change(emit=True)
        return added

    def remove_tag(self, tag: str) -> bool:
        if tag not in self._tags:
            return False
        self._tags.remove(tag)
        self._drop_chip(tag)
        self._after_change(emit=True)
        return True

    # --- suggestions, limits, counter ----------------------------------------------

    def set_suggestions(self, tags: Iterable[str]) -> None:
        """Offer ``tags`` (normalised) as clickable chips; those already added are hidden."""
        self._suggested = normalize_hashtags(tags)
        self._rebuild_suggestions()

    def suggest_from_title(self, title: str) -> list[str]:
        """Offer the hashtags ``suggest_hashtags(title)`` finds; returns them."""
        self.set_suggestions(suggest_hashtags(title))
        return list(self._suggested)

    def set_limits(self, preset: ExportPreset | None) -> None:
        """Count against ``preset``'s ``caption_limit`` and ``max_hashtags`` (None: no limit)."""
        self._preset = preset
        self.refresh_counter()

    def set_post_text_provider(self, provider: PostTextProvider | None) -> None:
        """``provider(tags)`` returns the whole post text to count (title and hashtags);
        None counts the hashtags alone. Call ``refresh_counter`` when its other parts change."""
        self._post_text = provider or (lambda tags: " ".join(tags))
        self.refresh_counter()

    def is_over_limit(self) -> bool:
        return bool(self._problems())

    def refresh_counter(self) -> None:
        count, text_length = len(self._tags), self._text_length()
        preset = self._preset
        max_tags = preset.max_hashtags if preset is not None else None
        limit = preset.caption_limit if preset is not None else None
        tags = f"{count}/{max_tags}" if max_tags is not None else f"{count}"
        chars = f"{text_length}/{limit}" if limit is not None else f"{text_length}"
        self.counter.setText(f"{tags} hashtag{'s' * (count != 1)} · {chars} characters")
        problems = self._problems()
        self.counter.setStyleSheet(_OVER if problems else "")
        if problems:
            self.counter.setAccessibleDescription(f"Over the limit: {'; '.join(problems)}.")
        elif preset is not None:
            self.counter.setAccessibleDescription(f"Within the {preset.name} limits.")
        else:
            self.counter.setAccessibleDescription("")
        self.counter.setToolTip(self.counter.accessibleDescription())

    # --- typing --------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Backspace and not self.editor.text() and self._tags:
                self.remove_tag(self._tags[-1])
                return True
            if event.matches(QKeySequence.StandardKey.Paste):
                self._pasting = True  # a pasted list is taken whole, its last word too
                try:
                    self.editor.keyPressEvent(event)
                finally:
                    self._pasting = False
                return True
        return super().eventFilter(watched, event)

    def _on_text_edited(self, text: str) -> None:
        parts = _SEPARATORS.split(text)
        if self._pasting:
            self._take(parts, "")
        elif len(parts) > 1:
            rest = parts.pop()
            self._take(parts, rest)

    def _commit_editor(self) -> None:
        if self.editor.text().strip():
            self._take(_SEPARATORS.split(self.editor.text()), "")

    def _take(self, parts: list[str], rest: str) -> None:
        """Add the valid ``parts``; refused ones go back into the editor with a hint."""
        words = [p for p in parts if p.strip()]
        refused = [w for w in words if not normalize_hashtags([w])]
        self.add_tags(words)
        self.editor.setText(" ".join([*refused, rest]).strip() if refused else rest)
        if refused:
            self.editor.selectAll()
            shown = ", ".join(f"“{w}”" for w in refused)
            self._set_hint(f"{shown}: a hashtag needs a letter (digits and signs alone are not).")
        else:
            self._set_hint("")

    # --- internals -----------------------------------------------------------------

    def _new_tags(self, texts: Iterable[str]) -> list[str]:
        existing = {tag.casefold() for tag in self._tags}
        return [t for t in normalize_hashtags(texts) if t.casefold() not in existing]

    def _append(self, tags: list[str]) -> list[str]:
        for tag in tags:
            self._tags.append(tag)
            chip = _Chip(tag, self.box)
            chip.remove_requested.connect(self._on_remove_requested)
            self._chips[tag] = chip
            self._flow.insertWidget(self._flow.count() - 1, chip)  # before the editor
            chip.show()
        return tags

    def _drop_chip(self, tag: str) -> None:
        chip = self._chips.pop(tag, None)
        if chip is not None:
            self._flow.removeWidget(chip)
            chip.hide()
            chip.deleteLater()

    def _on_remove_requested(self, tag: str) -> None:
        self.remove_tag(tag)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _after_change(self, *, emit: bool) -> None:
        self._rebuild_suggestions()
        self.refresh_counter()
        self.box.updateGeometry()
        if emit:
            self.tags_changed.emit(self.tags())

    def _rebuild_suggestions(self) -> None:
        while (item := self._suggestion_flow.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        taken = {tag.casefold() for tag in self._tags}
        offered = [tag for tag in self._suggested if tag.casefold() not in taken]
        widgets: list[QWidget] = [QLabel("Suggestions:")] if offered else []
        for tag in offered:
            button = QPushButton(tag)
            button.setObjectName("hashtagSuggestion")
            button.setFlat(True)
            button.setAccessibleName(f"Add {tag}")
            button.setToolTip(f"Add {tag}")
            button.clicked.connect(lambda _checked=False, t=tag: self.add_tags([t]))
            widgets.append(button)
        for widget in widgets:
            self._suggestion_flow.addWidget(widget)
            widget.show()  # children added to a visible widget start hidden
        self.suggestions.setVisible(bool(offered))

    def _text_length(self) -> int:
        text = self._post_text(self.tags())
        graphemes = self._preset is not None and self._preset.caption_unit == "graphemes"
        return grapheme_count(text) if graphemes else len(text)

    def _problems(self) -> list[str]:
        preset = self._preset
        if preset is None:
            return []
        problems = []
        if preset.caption_limit is not None and self._text_length() > preset.caption_limit:
            problems.append(f"{self._text_length()} of {preset.caption_limit} characters")
        if preset.max_hashtags is not None and len(self._tags) > preset.max_hashtags:
            problems.append(f"{len(self._tags)} of {preset.max_hashtags} hashtags")
        return problems

    def _set_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))
        self.editor.setAccessibleDescription(text)
