"""The Moments button and My Moments, put into the window: the action and its buttons, the
toasts after a press, the My Moments dock, and playing a moment back."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QDockWidget

from moments.core.edits import kept_range
from moments.core.errors import MomentsError
from moments.core.library import Library
from moments.core.moment import Moment
from moments.core.paths import resources_dir
from moments.core.scene.suggestions import Suggestion
from moments.share.credentials import AccountStore
from moments.share.outbox import Outbox
from moments.share.targets import target_factory
from moments.ui.common import messages, shortcut_clash
from moments.ui.editor import EditorWindow
from moments.ui.moments.capture import Capture, CaptureController
from moments.ui.moments.panel import MomentsPanel
from moments.ui.moments.scene_link import SceneLink
from moments.ui.share import OutboxService

if TYPE_CHECKING:
    from moments.ui.player.window import MainWindow

log = logging.getLogger(__name__)

THUMBNAIL_AFTER_EDITOR_MS = 1200
"""The editor opening at the press decodes its first frame before the thumbnail is made."""
CUT_AFTER_EDITOR_MAX_MS = 600
"""The cut waits for the editor's first preview frame (two decoders on two cores slow the
first picture by ~100 ms), but never longer than this."""


class MomentsFeature(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.library = open_library(window)
        self.capture_action = QAction(
            QIcon(str(resources_dir() / "icons" / "moment.svg")), "Keep this &Moment", window
        )
        self.capture_action.setObjectName("captureAction")
        self.capture_action.setIconText("Moment")
        self.capture_action.triggered.connect(self.press)
        self.panel_action = QAction("My &Moments", window)
        self.panel_action.setShortcut(QKeySequence("Ctrl+M"))
        self.panel_action.setCheckable(True)
        self.set_shortcut(window.prefs.capture_key)
        for target in (window, window.fullscreen_controls):
            target.addActions([self.capture_action, self.panel_action])
        self.buttons = [
            transport.extra_button(self.capture_action)
            for transport in (window.transport, window.fullscreen_controls.transport)
        ]
        for button in self.buttons:
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setObjectName("captureButton")
        menu = window.menus.moments
        menu.addAction(self.capture_action)
        menu.addAction(self.panel_action)

        self.controller: CaptureController | None = None
        self.accounts: AccountStore | None = None
        self.outbox: OutboxService | None = None
        self._toast_job: Capture | None = None
        self.editors: dict[int, EditorWindow] = {}
        """Open editors by moment id (a capture's editor joins once the moment is stored)."""
        self._pending_editors: dict[int, EditorWindow] = {}
        """Editors opened at the press, by id(Capture), waiting for the moment's id."""
        self.panel: MomentsPanel | None = None
        self.scenes: SceneLink | None = None
        """Scene analysis, snapping, the viewing history and suggested moments."""
        self._open_in_editor = False
        self.dock = QDockWidget("My Moments", window)
        self.dock.setObjectName("momentsDock")
        self.dock.hide()
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.panel_action.toggled.connect(self.dock.setVisible)
        self.dock.visibilityChanged.connect(self._on_dock_visibility)
        if self.library is None:
            self.capture_action.setEnabled(False)
            self.capture_action.setToolTip("The Moments library could not be opened")
            return
        self.controller = CaptureController(
            window.player, self.library, window.tasks, window.prefs, self
        )
        if window.prefs.edit_on_capture:
            self.controller.thumbnail_delay_ms = THUMBNAIL_AFTER_EDITOR_MS
        self.controller.pressed.connect(self._on_pressed)
        self.controller.saved.connect(self._on_saved)
        self.controller.thumbnail_ready.connect(self._on_thumbnail)
        self.controller.failed.connect(self._on_failed)
        self.controller.removed.connect(self._on_removed)
        self.accounts = AccountStore(window.dirs.config / "accounts.json")
        self.outbox = OutboxService(
            window.tasks, Outbox(self.library, target_factory(self.accounts)), parent=self
        )
        self.outbox.start()
        self.panel = MomentsPanel(self.library, window.tasks, outbox=self.outbox)
        self.panel.play_requested.connect(window.play_moment)
        self.panel.edit_requested.connect(self.edit)
        self.panel.renamed.connect(self._on_renamed)
        self.panel.deleting.connect(self._on_deleting)
        self.panel.deleted.connect(self._on_deleted)
        self.dock.setWidget(self.panel)
        sliders = [window.transport.slider, window.fullscreen_controls.transport.slider]
        self.scenes = SceneLink(window.player, self.library, window.tasks, window.prefs,
                                self.controller, sliders, self)  # fmt: skip
        self.panel.add_section(self.scenes.suggestions)
        self.scenes.suggestions.open_requested.connect(self.open_suggestion)
        menu.addSeparator()
        menu.addAction(self.scenes.forget_action)

    def taken_shortcuts(self) -> dict[str, str]:
        """The keys the window's other commands answer (portable text → command name)."""
        taken: dict[str, str] = {}
        for action in self._window.actions():
            if action is self.capture_action:
                continue
            name = str(action.property("command") or action.text().replace("&", ""))
            for sequence in action.shortcuts():
                taken[sequence.toString(QKeySequence.SequenceFormat.PortableText)] = name
        return taken

    def set_shortcut(self, key: str) -> None:
        """Keep moments with ``key``; a key another command answers (two actions on one key
        make Qt fire neither) is refused and C used instead."""
        other = shortcut_clash(key, self.taken_shortcuts())
        if other is not None:
            log.warning("the Moments key %s is also “%s”; using C", key, other)
            QTimer.singleShot(
                0,
                self,
                lambda: messages.warning(f"{key} already does “{other}”: press C for Moments."),
            )
            key = self._window.prefs.capture_key = "C"
        sequence = QKeySequence(key)
        self.capture_action.setShortcut(sequence)
        self.capture_action.setToolTip(f"Keep the last seconds you saw ({sequence.toString()})")

    def press(self) -> Capture | None:
        return self.controller.press() if self.controller is not None else None

    def edit(self, moment: Moment, *, show_later: bool = False) -> EditorWindow:
        """Open (or raise) the editor on ``moment``; with ``show_later``, it is shown on the
        next turn of the event loop (the press stays short: building and first painting the
        window do not add up to one long freeze)."""
        if moment.id is not None and moment.id in self.editors:
            editor = self.editors[moment.id]
        else:
            info = self.controller.info_for(moment.source) if self.controller else None
            editor = EditorWindow(
                moment,
                self.library,
                self._window.tasks,
                info=info,
                hint=self._window.subtitle_hint(),
                accounts=self.accounts,
                outbox=self.outbox,
                settings=self._window.settings,
            )
            if moment.id is not None:
                self.editors[moment.id] = editor
            editor.closed.connect(lambda edited, e=editor: self._on_editor_closed(e, edited))
            editor.model.saved.connect(self._refresh_panel)  # one title, one duration, live
            if self.scenes is not None:
                self.scenes.editor_opened(editor)
        if show_later:
            QTimer.singleShot(0, editor, lambda: _bring_up(editor))
        else:
            _bring_up(editor)
        return editor

    def open_suggestion(self, source: str, item: Suggestion) -> None:
        """Keep a suggested moment and open it in the editor (once: a second click raises
        the editor already open on it)."""
        if self.controller is None or self.scenes is None:
            return
        for editor in [*self.editors.values(), *self._pending_editors.values()]:
            moment = editor.model.moment
            if moment.source == source and kept_range(moment) == (item.start, item.end):
                _bring_up(editor)
                return
        self._open_in_editor = True
        try:
            self.controller.keep(self.scenes.suggested_moment(source, item))
        finally:
            self._open_in_editor = False

    def show_panel(self) -> None:
        self.panel_action.setChecked(True)

    def shutdown(self) -> None:
        """Before the window closes: editors closed (their edits saved), moments deleted
        for good, posts being sent queued again for the next start, the live ring stopped."""
        for editor in [*self.editors.values(), *self._pending_editors.values()]:
            editor.close()
        if self.panel is not None:
            self.panel.finish_deletes()
        if self.outbox is not None:
            self.outbox.stop()
        if self.scenes is not None:
            self.scenes.shutdown()
        if self.controller is not None:
            self.controller.shutdown()

    def close_library(self) -> None:
        if self.library is not None:
            self.library.close()

    # -- reactions -----------------------------------------------------------------------------
    def _on_pressed(self, job: Capture) -> None:
        self._toast_job = job
        editor = None
        wants_editor = self._window.prefs.edit_on_capture or self._open_in_editor
        if wants_editor and not _made_after_press(job.moment):
            if self._window.isFullScreen():
                self._window.set_fullscreen(False)
            editor = self.edit(job.moment, show_later=True)
            self._pending_editors[id(job)] = editor
            job.hold()
            editor.first_frame_shown.connect(lambda: job.release())
            editor.closed.connect(lambda _edited: job.release())
            QTimer.singleShot(CUT_AFTER_EDITOR_MAX_MS, self, lambda: job.release())
        if self.scenes is not None:
            self.scenes.pressed(job, editor)
        self._window.toast.show_message(
            f"Keeping “{job.moment.title}”…",
            button="Undo",
            on_button=lambda: self._undo(job),
            seconds=8,
        )

    def _on_saved(self, job: Capture) -> None:
        stored = job.stored
        assert stored is not None and stored.id is not None
        editor = self._pending_editors.pop(id(job), None)
        if editor is not None:
            self.editors[stored.id] = editor
            editor.moment_saved(stored)
        elif self._window.prefs.edit_on_capture and _made_after_press(job.moment):
            self.edit(stored)  # shown once its clip is cut (a live ring's, a story's joined)
        image = None
        if job.thumbnail is not None and not job.thumbnail.isNull():
            image = QPixmap.fromImage(job.thumbnail).scaledToHeight(
                54, Qt.TransformationMode.SmoothTransformation
            )
        self._window.toast.show_message(
            f"Kept “{stored.title}” ({_kept_seconds(stored):.0f} s)",
            button="Undo",
            on_button=lambda: self._undo(job),
            image=image,
            seconds=6,
        )
        if self.panel is not None and self.dock.isVisible():
            self.panel.refresh()

    def _on_thumbnail(self, job: Capture) -> None:
        if job is self._toast_job and self._window.toast.isVisible():
            self._on_saved(job)
        elif self.panel is not None and self.dock.isVisible():
            self.panel.refresh()

    def _on_editor_closed(self, editor: EditorWindow, edited: Moment) -> None:
        for table in (self.editors, self._pending_editors):
            for key in [k for k, v in table.items() if v is editor]:
                del table[key]
        if self.panel is not None and self.dock.isVisible():
            self.panel.refresh()

    def _close_editor_of(self, job: Capture) -> None:
        editor = self._pending_editors.pop(id(job), None)
        if editor is None and job.stored is not None and job.stored.id is not None:
            editor = self.editors.pop(job.stored.id, None)
        if editor is not None:
            editor.close()

    def _on_failed(self, job: Capture, error: BaseException) -> None:
        self._close_editor_of(job)
        text = str(error) if isinstance(error, MomentsError) else repr(error)
        messages.error(f"The moment could not be kept: {text}")

    def _on_removed(self, job: Capture) -> None:
        self._close_editor_of(job)
        self._window.toast.show_message(f"Removed “{job.moment.title}”", seconds=3)
        if self.panel is not None and self.dock.isVisible():
            self.panel.refresh()

    def _undo(self, job: Capture) -> None:
        self._close_editor_of(job)
        if self.controller is not None:
            self.controller.undo(job)

    def _refresh_panel(self) -> None:
        if self.panel is not None and self.dock.isVisible():
            self.panel.refresh()

    def _on_renamed(self, moment_id: int, title: str) -> None:
        editor = self.editors.get(moment_id)
        if editor is not None:
            editor.model.set_title(title)
            editor.model.end_merge()

    def _on_deleting(self, moment: Moment) -> None:
        assert moment.id is not None and self.panel is not None
        panel, moment_id = self.panel, moment.id
        self._window.toast.show_message(
            f"Deleted “{moment.title}”",
            button="Undo",
            on_button=lambda: panel.undo_delete(moment_id),
            seconds=panel.delete_after_ms / 1000,
        )

    def _on_deleted(self, moment_id: int) -> None:
        editor = self.editors.pop(moment_id, None)
        if editor is not None:
            editor.close()

    def _on_dock_visibility(self, visible: bool) -> None:
        if self.panel_action.isChecked() != visible:
            self.panel_action.setChecked(visible)
        if visible and self.panel is not None:
            self.panel.refresh()


def open_library(window: MainWindow) -> Library | None:
    """Open (or create) the library; a damaged one is reported and Moments go without it."""
    try:
        return Library(window.dirs.library_file, window.dirs.moments_dir)
    except MomentsError as exc:
        log.error("library unavailable: %s", exc)
        messages.error(str(exc), exc.details)
        return None


def _kept_seconds(moment: Moment) -> float:
    start, end = kept_range(moment)
    return end - start


def _bring_up(editor: EditorWindow) -> None:
    editor.show()
    editor.raise_()
    editor.activateWindow()


def _made_after_press(moment: Moment) -> bool:
    """A moment whose pictures exist only once its capture is done: cut from a live ring, or
    joined from a story's played spans."""
    return moment.is_live or bool(moment.story)
