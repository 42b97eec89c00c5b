"""The choice overlay: a band over the bottom of the picture with the prompt, the options
and the timer, as in Netflix's interactive titles; also the card shown at an ending.

A separate frameless tool window, as the toasts and the fullscreen controls are: nothing
Qt paints inside the main window can cover libVLC's native video window on X11. It never
takes the focus (keys stay with the main window, whose story actions call ``pick``,
``move_highlight`` and ``take_highlighted``), follows its anchor (the story's video area)
when the window moves, is resized or goes fullscreen, and is built before its time so that
showing it is only a map of a painted window.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from moments.core.story import ChoiceView

HIDE_AFTER_CHOICE_MS = 700
"""The chosen option stays lit this long before the band goes."""
TICK_MS = 33

STYLE = """
#storyOverlay { background: #101216; border-top: 1px solid #2c2f38; }
#storyOverlay QLabel { color: #f2f2f4; }
#storyOverlay QPushButton {
    color: #f2f2f4; background: #23262e; border: 2px solid #50545f; border-radius: 6px;
    padding: 4px 16px;
}
#storyOverlay QPushButton[highlight="true"] { border-color: #ffffff; background: #343844; }
#storyOverlay QPushButton[chosen="true"] { color: #101216; background: #ffffff;
    border-color: #ffffff; }
#storyOverlay QPushButton[dimmed="true"] { color: #6c707a; border-color: #2c2f38; }
"""


@dataclass(frozen=True)
class CardButton:
    key: str
    label: str


class TimerBar(QWidget):
    """What is left of the choice's time: a bar shrinking to its middle, timed on the media
    playhead (``clock`` → ms), so it stops while the film is paused."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storyTimer")
        self.setAccessibleName("Time left to choose")
        self.setFixedHeight(6)
        self._clock: Callable[[], float] | None = None
        self._window = (0, 1)
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self.update)

    def run(self, appear_ms: int, disappear_ms: int, clock: Callable[[], float]) -> None:
        self._window = (appear_ms, max(appear_ms + 1, disappear_ms))
        self._clock = clock
        self._ticker.start()
        self.update()

    def stop(self) -> None:
        self._ticker.stop()
        self._clock = None

    def fraction_left(self) -> float:
        if self._clock is None:
            return 0.0
        start, end = self._window
        return max(0.0, min(1.0, (end - self._clock()) / (end - start)))

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#2c2f38"))
        width = round(self.width() * self.fraction_left())
        painter.fillRect(
            QRect((self.width() - width) // 2, 0, width, self.height()), QColor("#ffffff")
        )


class ChoiceOverlay(QFrame):
    """One choice (or one ending card) at a time."""

    chosen = Signal(int)
    """The option index (in the story file) the viewer picked."""
    card_action = Signal(str)
    """The key of the ending card's button the viewer picked."""

    def __init__(self, anchor: QWidget, owner: QWidget) -> None:
        # Owned by the main window (deleted with it, on the GUI thread) yet its own window.
        super().__init__(
            owner,
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowDoesNotAcceptFocus,
        )
        self.setObjectName("storyOverlay")
        self.setAccessibleName("Story choice")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(STYLE)
        self._anchor = anchor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 10, 24, 12)
        layout.setSpacing(8)
        self.prompt = QLabel()
        self.prompt.setObjectName("storyPrompt")
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setObjectName("storyDetail")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setWordWrap(True)
        self._row = QHBoxLayout()
        self._row.setSpacing(14)
        self.timer = TimerBar()
        layout.addWidget(self.prompt)
        layout.addWidget(self.detail)
        layout.addLayout(self._row)
        layout.addWidget(self.timer)
        self.buttons: list[QPushButton] = []
        self._keys: list[int | str] = []
        """Per button: the option index (a choice) or the card button's key."""
        self._highlight = 0
        self._timer_args: tuple[int, int, Callable[[], float]] | None = None
        self._open = False
        """Taking input: a choice not yet made, or a card."""
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.timeout.connect(self.hide)
        self.shown_at: float | None = None
        """``time.monotonic()`` when the overlay was last shown (tests and benchmarks)."""
        anchor.installEventFilter(self)
        anchor.window().installEventFilter(self)

    # -- what it shows ---------------------------------------------------------------------
    def prepare_choice(
        self, choice: ChoiceView, *, timed: bool, clock: Callable[[], float]
    ) -> None:
        """Build the band for ``choice`` (hidden): showing it later costs only the map."""
        self._hide_timer.stop()
        self.prompt.setText(choice.prompt)
        self.detail.hide()
        options = list(choice.options)
        self._fill([(o.index, f"{n}  {o.label}") for n, o in enumerate(options, 1)])
        default = next((n for n, o in enumerate(options) if o.index == choice.default), 0)
        self._set_highlight(default)
        self.timer.setVisible(timed)
        self._timer_args = (choice.appear_ms, choice.disappear_ms, clock) if timed else None
        self._open = True
        self._layout_for_anchor()

    def show_choice(self) -> None:
        if self._timer_args is not None:
            self.timer.run(*self._timer_args)
        self._show()

    def show_card(self, title: str, text: str, buttons: list[CardButton]) -> None:
        """An ending: its title, a line, and what the viewer can do next."""
        self._hide_timer.stop()
        self.timer.stop()
        self.timer.hide()
        self._timer_args = None
        self.prompt.setText(title)
        self.detail.setText(text)
        self.detail.setVisible(bool(text))
        self._fill([(b.key, f"{n}  {b.label}") for n, b in enumerate(buttons, 1)])
        self._set_highlight(0)
        self._open = True
        self._layout_for_anchor()
        self._show()

    def mark_chosen(self, index: int) -> None:
        """The choice is made (by the viewer or the timer): light it, then go."""
        self._open = False
        self.timer.stop()
        for button, key in zip(self.buttons, self._keys, strict=True):
            _set_flag(button, "chosen", key == index)
            _set_flag(button, "dimmed", key != index)
            _set_flag(button, "highlight", False)
        if self.isVisible():
            self._hide_timer.start(HIDE_AFTER_CHOICE_MS)
        else:
            self.hide()

    def dismiss(self) -> None:
        self._open = False
        self.timer.stop()
        self._hide_timer.stop()
        self.hide()

    @property
    def taking_input(self) -> bool:
        return self._open and self.isVisible()

    def options_shown(self) -> list[str]:
        return [b.text() for b in self.buttons]

    # -- input -----------------------------------------------------------------------------
    def pick(self, number: int) -> bool:
        """The viewer pressed ``number`` (1 = the first button); False if there is none."""
        if not self.taking_input or not 1 <= number <= len(self.buttons):
            return False
        self._activate(number - 1)
        return True

    def move_highlight(self, step: int) -> None:
        if self.taking_input and self.buttons:
            self._set_highlight((self._highlight + step) % len(self.buttons))

    def take_highlighted(self) -> bool:
        if not self.taking_input or not self.buttons:
            return False
        self._activate(self._highlight)
        return True

    # -- internals -------------------------------------------------------------------------
    def _fill(self, entries: list[tuple[int | str, str]]) -> None:
        for button in self.buttons:
            self._row.removeWidget(button)
            button.deleteLater()
        self.buttons, self._keys = [], []
        for n, (key, text) in enumerate(entries):
            button = QPushButton(text)
            button.setObjectName(f"storyOption{n + 1}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, i=n: self._activate(i))
            self._row.addWidget(button)
            self.buttons.append(button)
            self._keys.append(key)

    def _activate(self, position: int) -> None:
        if not self._open:
            return
        key = self._keys[position]
        if isinstance(key, int):
            self.chosen.emit(key)  # the mode answers with mark_chosen
        else:
            self.dismiss()
            self.card_action.emit(key)

    def _set_highlight(self, position: int) -> None:
        self._highlight = position
        for n, button in enumerate(self.buttons):
            _set_flag(button, "highlight", n == position)
            _set_flag(button, "chosen", False)
            _set_flag(button, "dimmed", False)

    def _show(self) -> None:
        self._place()
        self.show()
        self.raise_()
        self.shown_at = time.monotonic()

    def _layout_for_anchor(self) -> None:
        """Type sizes follow the picture's height, as a subtitle's do."""
        height = max(180, self._anchor.height())
        prompt, option = QFont(self.font()), QFont(self.font())
        prompt.setPixelSize(max(15, round(height * 0.045)))
        prompt.setBold(True)
        option.setPixelSize(max(13, round(height * 0.032)))
        self.prompt.setFont(prompt)
        self.detail.setFont(option)
        for button in self.buttons:
            button.setFont(option)
            button.setMinimumHeight(round(option.pixelSize() * 2.1))
        self._place()

    def _place(self) -> None:
        anchor = self._anchor
        top_left = anchor.mapToGlobal(QPoint(0, 0))
        width = anchor.width()
        layout = self.layout()
        assert layout is not None
        layout.invalidate()  # fonts changed: the cached size hints are stale
        layout.activate()
        if layout.hasHeightForWidth():  # the prompt wraps
            height = layout.totalHeightForWidth(width)
        else:
            height = layout.totalSizeHint().height()
        height = min(height, anchor.height())
        self.setFixedSize(width, height)
        self.move(top_left.x(), top_left.y() + anchor.height() - height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.WindowStateChange):
            if self.isVisible():
                QTimer.singleShot(0, self, self._layout_for_anchor)
        elif watched is self._anchor and kind == QEvent.Type.Hide:
            self.hide()
        return False


def _set_flag(button: QPushButton, name: str, on: bool) -> None:
    if bool(button.property(name)) == on:
        return
    button.setProperty(name, on)
    button.style().unpolish(button)
    button.style().polish(button)
