"""Caption blocks: a list, the selected block's text, style, size and times, and "Quote the
moment" — the subtitle lines spoken during the clip, one click each."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from moments.core.captions import Caption, CaptionStyle

STYLE_CHOICES = (
    (CaptionStyle.OUTLINE, "White with outline"),
    (CaptionStyle.BOXED, "Boxed"),
    (CaptionStyle.MEME_TOP, "Meme, top"),
    (CaptionStyle.MEME_BOTTOM, "Meme, bottom"),
)
STYLE_POSITION = {CaptionStyle.MEME_TOP: 0.1, CaptionStyle.MEME_BOTTOM: 0.88}
SIZE_RANGE = (3, 16)
"""Caption size slider, in percent of the picture height."""


class _TextEdit(QPlainTextEdit):
    """Multi-line caption text; tells when editing pauses (focus leaves)."""

    focus_left = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_left.emit()


class CaptionPanel(QWidget):
    add_requested = Signal()
    remove_requested = Signal(int)
    caption_edited = Signal(int, object, str)
    """Index, new Caption, merge key (typing in one field merges into one undo step)."""
    edit_finished = Signal()
    selected = Signal(int)
    quote_requested = Signal(list)
    """Cue indexes to add as captions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._captions: tuple[Caption, ...] = ()
        self._duration = 0.0
        self._current = -1
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setAccessibleName("Captions")
        self.list.setMaximumHeight(110)
        self.list.currentRowChanged.connect(self._on_row)
        layout.addWidget(self.list)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add caption")
        self.add_button.setAccessibleName("Add caption")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAccessibleName("Remove caption")
        self.add_button.clicked.connect(self.add_requested)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self._current))
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.editor = QWidget()
        form = QFormLayout(self.editor)
        self.text = _TextEdit()
        self.text.setAccessibleName("Caption text")
        self.text.setPlaceholderText("What it says on screen (emoji welcome)")
        self.text.setMaximumHeight(80)
        self.text.textChanged.connect(self._on_text)
        self.text.focus_left.connect(self.edit_finished)
        form.addRow("Text", self.text)
        self.style_choice = QComboBox()
        self.style_choice.setAccessibleName("Caption style")
        for style, label in STYLE_CHOICES:
            self.style_choice.addItem(label, style)
        self.style_choice.activated.connect(self._on_style)
        form.addRow("Style", self.style_choice)
        self.size_slider = QSlider(Qt.Orientation.Horizontal)
        self.size_slider.setAccessibleName("Caption size")
        self.size_slider.setRange(*SIZE_RANGE)
        self.size_slider.valueChanged.connect(self._on_size)
        self.size_slider.sliderReleased.connect(self.edit_finished)
        form.addRow("Size", self.size_slider)
        self.start_check, self.start = self._time_row(form, "From", "Caption start")
        self.end_check, self.end = self._time_row(form, "Until", "Caption end")
        layout.addWidget(self.editor)

        self.quote_label = QLabel("Quote the moment")
        self.quote_label.setObjectName("quoteLabel")
        layout.addWidget(self.quote_label)
        self.quotes = QListWidget()
        self.quotes.setAccessibleName("Lines spoken during the moment")
        self.quotes.setWordWrap(True)
        self.quotes.itemClicked.connect(self._on_quote)
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.quotes)
        enter.setContext(Qt.ShortcutContext.WidgetShortcut)
        enter.activated.connect(self._quote_current)
        layout.addWidget(self.quotes, 1)
        self.quote_all = QPushButton("Quote all lines")
        self.quote_all.setAccessibleName("Quote all lines")
        self.quote_all.clicked.connect(
            lambda: self.quote_requested.emit(list(range(self.quotes.count())))
        )
        layout.addWidget(self.quote_all)
        self.set_quotes([], "No subtitles for this moment.")
        self._sync_editor()

    def _time_row(
        self, form: QFormLayout, label: str, name: str
    ) -> tuple[QCheckBox, QDoubleSpinBox]:
        row = QHBoxLayout()
        check = QCheckBox()
        check.setAccessibleName(f"{name} set")
        spin = QDoubleSpinBox()
        spin.setAccessibleName(name)
        spin.setDecimals(2)
        spin.setSuffix(" s")
        spin.setSingleStep(0.1)
        check.toggled.connect(spin.setEnabled)
        check.toggled.connect(lambda _=False: self._on_times())
        spin.valueChanged.connect(lambda _=0.0: self._on_times())
        spin.editingFinished.connect(self.edit_finished)
        row.addWidget(check)
        row.addWidget(spin, 1)
        form.addRow(label, row)
        return check, spin

    # -- model → widgets -----------------------------------------------------------------------
    def set_captions(self, captions: tuple[Caption, ...], duration: float) -> None:
        self._captions, self._duration = captions, duration
        self.list.blockSignals(True)
        self.list.clear()
        for caption in captions:
            first = caption.text.strip().splitlines()[0] if caption.text.strip() else "(empty)"
            item = QListWidgetItem(first)
            if caption.outside_clip:
                item.setText(f"{first} — its line is outside the clip")
                item.setForeground(self.palette().placeholderText())
            self.list.addItem(item)
        if captions:
            self._current = min(max(self._current, 0), len(captions) - 1)
            self.list.setCurrentRow(self._current)
        else:
            self._current = -1
        self.list.blockSignals(False)
        self._sync_editor()

    def select(self, index: int) -> None:
        if 0 <= index < len(self._captions):
            self.list.setCurrentRow(index)

    def current(self) -> int:
        return self._current

    def set_quotes(self, lines: list[str], empty_text: str = "") -> None:
        self.quotes.clear()
        for line in lines:
            self.quotes.addItem(QListWidgetItem(line))
        self.quote_all.setEnabled(bool(lines))
        hint = "click a line to add it" if lines else empty_text
        self.quote_label.setText(f"Quote the moment — {hint}")

    def _sync_editor(self) -> None:
        caption = self._caption()
        self.editor.setEnabled(caption is not None)
        self.remove_button.setEnabled(caption is not None)
        if caption is None:
            return
        widgets = (self.text, self.style_choice, self.size_slider, self.start, self.end)
        for widget in (*widgets, self.start_check, self.end_check):
            widget.blockSignals(True)
        if self.text.toPlainText() != caption.text:
            self.text.setPlainText(caption.text)
        self.style_choice.setCurrentIndex(max(0, self.style_choice.findData(caption.style)))
        self.size_slider.setValue(round(caption.size * 100))
        for check, spin, value in (
            (self.start_check, self.start, caption.start),
            (self.end_check, self.end, caption.end),
        ):
            spin.setRange(0.0, max(0.01, self._duration))
            check.setChecked(value is not None)
            spin.setEnabled(value is not None)
            spin.setValue(value if value is not None else 0.0)
        for widget in (*widgets, self.start_check, self.end_check):
            widget.blockSignals(False)

    def _caption(self) -> Caption | None:
        if 0 <= self._current < len(self._captions):
            return self._captions[self._current]
        return None

    # -- widgets → model -----------------------------------------------------------------------
    def _on_row(self, row: int) -> None:
        self._current = row
        self._sync_editor()
        self.selected.emit(row)

    def _emit(self, caption: Caption, key: str) -> None:
        self.caption_edited.emit(self._current, caption, f"{key}-{self._current}")

    def _on_text(self) -> None:
        caption = self._caption()
        if caption is not None:
            self._emit(replace(caption, text=self.text.toPlainText()), "text")

    def _on_style(self, _index: int) -> None:
        caption = self._caption()
        if caption is None:
            return
        style = CaptionStyle(self.style_choice.currentData())
        changed = replace(caption, style=style)
        if style in STYLE_POSITION:
            changed = replace(changed, y=STYLE_POSITION[style])
        self._emit(changed, "style")
        self.edit_finished.emit()

    def _on_size(self, value: int) -> None:
        caption = self._caption()
        if caption is not None:
            self._emit(replace(caption, size=value / 100), "size")

    def _on_times(self) -> None:
        caption = self._caption()
        if caption is None:
            return
        start = self.start.value() if self.start_check.isChecked() else None
        end = self.end.value() if self.end_check.isChecked() else None
        self._emit(replace(caption, start=start, end=end), "times")

    def _on_quote(self, item: QListWidgetItem) -> None:
        self.quote_requested.emit([self.quotes.row(item)])

    def _quote_current(self) -> None:
        item = self.quotes.currentItem()
        if item is not None:
            self._on_quote(item)
