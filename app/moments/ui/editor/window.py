"""The Moment editor: preview the moment looping, trim it on a filmstrip, caption it, tag it,
frame it, and share it. Opens at once on the source; everything slow (probing, thumbnails,
subtitles, saving) runs in workers."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from moments.core.captions import Caption
from moments.core.edits import MomentEdits
from moments.core.framing import Framing, framed_output_size
from moments.core.library import Library
from moments.core.moment import Moment
from moments.core.presets import PRESETS
from moments.core.settings import Settings
from moments.core.source import display_name
from moments.core.timefmt import format_time
from moments.media.probe import MediaInfo, probe
from moments.share.credentials import AccountStore
from moments.ui.common import TaskRunner, install_typing_guard
from moments.ui.editor.caption_layer import CaptionLayer, free_spot
from moments.ui.editor.caption_panel import CaptionPanel
from moments.ui.editor.framing_panel import FramingPanel
from moments.ui.editor.hashtag_field import HashtagField
from moments.ui.editor.history_buttons import history_button
from moments.ui.editor.model import EditorModel
from moments.ui.editor.preview_player import PreviewPlayer
from moments.ui.editor.preview_view import PreviewView
from moments.ui.editor.quotes import QuoteFinder, SubtitleHint
from moments.ui.editor.scene_snap import EditorScene, SceneSnapNote
from moments.ui.editor.timeline import TrimTimeline
from moments.ui.share import OutboxService, SharePanel

log = logging.getLogger(__name__)

SHARE_TAB = 3
PREVIEW_BOX = QSize(960, 540)
"""libVLC renders the preview at most this big: about the widget's size on screen (larger
frames only cost copying and scaling at every frame)."""
FILMSTRIP_FALLBACK_MS = 2000
"""Start the filmstrip by then even when the preview shows nothing (audio-only, broken)."""
SHARE_PANEL_AFTER_MS = 300
"""The Share tab is built this long after the preview's first frame (or when chosen)."""


class EditorWindow(QMainWindow):
    closed = Signal(object)
    """The Moment as last edited."""
    first_frame_shown = Signal()
    """The preview's first picture is on screen (once)."""

    def __init__(
        self,
        moment: Moment,
        library: Library | None,
        tasks: TaskRunner,
        *,
        info: MediaInfo | None = None,
        hint: SubtitleHint | None = None,
        accounts: AccountStore | None = None,
        outbox: OutboxService | None = None,
        settings: Settings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("editorWindow")
        self.settings = settings if settings is not None else Settings()
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(1180, 760)
        self.tasks = tasks
        self.library = library
        self.model = EditorModel(moment, library, tasks, self)
        self.info = info
        self._layer = CaptionLayer()
        self._quoted: tuple[tuple[float, float], list[str], str] | None = None
        self._display = (1920, 1080)
        self._position = moment.start

        self.preview = PreviewView()
        self.player = PreviewPlayer(self, box=PREVIEW_BOX)
        if info is not None:  # libVLC starts decoding while the widgets are built
            self._load_player(info)
        self.title = QLineEdit(self.model.edits.title or moment.title)
        self.title.setAccessibleName("Title")
        self.platform = QComboBox()
        self.platform.setAccessibleName("Platform")
        for preset in PRESETS:
            self.platform.addItem(preset.name, preset.id)
        self.undo_button = history_button(self.model.undo_stack, "Undo", self)
        self.redo_button = history_button(self.model.undo_stack, "Redo", self)
        self.addActions([self.undo_button.defaultAction(), self.redo_button.defaultAction()])

        self.timeline = TrimTimeline(moment, tasks, self)
        self.scene = EditorScene(self.model, self.timeline.strip, SceneSnapNote())
        """Shot changes on the filmstrip; a snap that arrives after the press."""
        self.captions = CaptionPanel()
        self.hashtags = HashtagField()
        self.hashtags.setAccessibleName("Hashtags")
        self.hashtags.set_post_text_provider(
            lambda tags: self.model.edits.replace(hashtags=tuple(tags)).post_text(self.model.moment)
        )
        self.hashtags.suggest_from_title(Path(display_name(moment.source)).stem)
        self.framing = FramingPanel()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Editor tools")
        self.tabs.addTab(self.captions, "Captions")
        self.tabs.addTab(self._hashtag_page(), "Hashtags")
        self.tabs.addTab(self.framing, "Framing")
        self._share: SharePanel | None = None
        self._share_args = (accounts, outbox)
        self._source_facts: tuple[tuple[int, int], float] | None = None
        self._share_page = QWidget()  # stands in for the panel until it is built
        self.tabs.addTab(self._share_page, "Share")
        self.tabs.currentChanged.connect(self._on_tab_chosen)
        self.quotes = QuoteFinder(tasks, self)
        self._build_layout()
        self._connect()
        install_typing_guard()
        self.preview.setFocus()  # Space plays and pauses from the start, as in every player
        self._apply(self.model.edits)
        if info is not None:
            self._apply_info(info)
        else:
            self._probe_then_preview()
        self.quotes.find(moment, hint)
        QTimer.singleShot(FILMSTRIP_FALLBACK_MS, self.timeline.load_thumbnails)

    @property
    def share(self) -> SharePanel:
        """The Share tab's panel, built when first needed (shortly after the first frame, or
        when its tab is chosen): opening the editor at the press does not wait for it."""
        if self._share is None:
            accounts, outbox = self._share_args
            self._share = SharePanel(
                self.model, self.tasks, accounts=accounts, outbox=outbox, settings=self.settings
            )
            if self._source_facts is not None:
                self._share.set_source_facts(*self._source_facts)
            index, current = self.tabs.indexOf(self._share_page), self.tabs.currentIndex()
            self.tabs.blockSignals(True)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, self._share, "Share")
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(False)
            self._share_page.deleteLater()
        return self._share

    def _on_tab_chosen(self, index: int) -> None:
        if self.tabs.widget(index) is self._share_page:
            self.share  # noqa: B018 - building it is the point

    # -- layout --------------------------------------------------------------------------------
    def _hashtag_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("Hashtags (Space or Enter after each)"))
        layout.addWidget(self.hashtags)
        layout.addStretch(1)
        return page

    def _build_layout(self) -> None:
        header = QHBoxLayout()
        header.addWidget(QLabel("Title"))
        header.addWidget(self.title, 1)
        header.addWidget(QLabel("For"))
        header.addWidget(self.platform)
        header.addWidget(self.undo_button)
        header.addWidget(self.redo_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.preview, 1)
        left_layout.addWidget(self.scene.note)
        left_layout.addWidget(self.timeline)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(header)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

    def _connect(self) -> None:
        model = self.model
        model.changed.connect(self._apply)
        self.player.frame_ready.connect(self._on_frame)
        self.player.position_changed.connect(self._on_position)
        self.player.playing_changed.connect(self.timeline.set_playing)
        self.timeline.play_toggled.connect(self.player.toggle)
        self.timeline.trim_changed.connect(lambda s, e: model.set_trim(s, e, merge="trim"))
        self.timeline.trim_finished.connect(model.end_merge)
        self.timeline.scrubbed.connect(self.player.seek)
        self.timeline.frame_step.connect(self.player.step_frame)
        self.preview.crop_dragged.connect(self._on_crop_drag)
        self.preview.caption_dragged.connect(self._on_caption_drag)
        self.preview.caption_clicked.connect(self.captions.select)
        self.preview.drag_finished.connect(model.end_merge)
        self.preview.clicked.connect(self.player.toggle)
        self.captions.selected.connect(self.preview.set_selected)
        self.captions.add_requested.connect(self._add_caption)
        self.captions.remove_requested.connect(model.remove_caption)
        self.captions.caption_edited.connect(lambda i, c, k: model.update_caption(i, c, merge=k))
        self.captions.edit_finished.connect(model.end_merge)
        self.captions.quote_requested.connect(self._quote)
        self.quotes.found.connect(self._on_quotes)
        self.hashtags.tags_changed.connect(model.set_hashtags)
        self.framing.framing_chosen.connect(model.set_framing)
        self.framing.share_requested.connect(lambda: model.share_framing(model.edits.preset))
        self.platform.activated.connect(lambda _: model.set_preset(self.platform.currentData()))
        self.title.textEdited.connect(model.set_title)
        self.title.editingFinished.connect(model.end_merge)
        space = QShortcut(QKeySequence(Qt.Key.Key_Space), self.preview)
        space.activated.connect(self.player.toggle)
        close = QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self)
        close.activated.connect(self.close)

    # -- model → view --------------------------------------------------------------------------
    def _apply(self, edits: MomentEdits) -> None:
        moment = self.model.moment
        preset = self.settings.preset(edits.preset)
        start, end = edits.trim(moment)
        self.platform.setCurrentIndex(max(0, self.platform.findData(edits.preset)))
        title = edits.title or moment.title
        if self.title.text() != title and not self.title.hasFocus():
            self.title.setText(title)
        self.setWindowTitle(f"Edit “{title}” — Moments")  # one title, wherever it is shown
        self.timeline.set_trim(start, end)
        self.timeline.set_limit(preset)
        self.player.set_range(start, end)
        self.captions.set_captions(edits.captions, end - start)
        self._on_quotes()
        if self.hashtags.tags() != list(edits.hashtags):
            self.hashtags.set_tags(list(edits.hashtags))
        self.hashtags.set_limits(preset)
        self.framing.set_framing(
            edits.framing_for(edits.preset), preset.name, edits.has_own_framing(edits.preset)
        )
        self._refresh_preview()

    def output_size(self) -> tuple[int, int]:
        edits = self.model.edits
        preset = self.settings.preset(edits.preset)
        dw, dh = self._display
        framing = edits.framing_for(edits.preset)
        return framed_output_size(dw, dh, framing, preset.long_side, preset.short_side)

    def _refresh_preview(self) -> None:
        edits = self.model.edits
        size = self.output_size()
        self.preview.set_geometry(self._display, edits.framing_for(edits.preset), size)
        start, _ = edits.trim(self.model.moment)
        overlay = self._layer.image_at(edits.captions, size, self._position - start)
        self.preview.set_overlay(overlay, edits.captions)

    # -- preview -------------------------------------------------------------------------------
    def _probe_then_preview(self) -> None:
        location, _ = self.model.moment.pictures()

        def preview(info: MediaInfo) -> None:
            self._load_player(info)
            self._apply_info(info)

        self.tasks.run(
            lambda _ctx: probe(location),
            name="probe for the editor",
            context=self,
            on_success=preview,
        )

    def _load_player(self, info: MediaInfo) -> None:
        location, offset = self.model.moment.pictures_for_player()
        video = info.primary_video
        if video is not None:
            self._display = video.display_size
        start, end = self.model.edits.trim(self.model.moment)
        self.player.load(location, offset=offset, start=start, end=end, display_size=self._display)

    def _apply_info(self, info: MediaInfo) -> None:
        """The source's facts reach the widgets: display shape, frame step, title tags."""
        self.info = info
        video = info.primary_video
        if video is not None:
            self._source_facts = (video.display_size, video.fps or 30.0)
            if self._share is not None:
                self._share.set_source_facts(*self._source_facts)
        self.timeline.set_frame_duration(info.frame_duration)
        if info.title:
            self.hashtags.suggest_from_title(info.title)
        self._refresh_preview()

    def _on_frame(self, image: QImage) -> None:
        first = self.preview.frame() is None
        self.preview.set_frame(image)
        if first:
            self.first_frame_shown.emit()
            self.timeline.load_thumbnails()  # after the first picture: no race for the decoder
            QTimer.singleShot(SHARE_PANEL_AFTER_MS, self, lambda: self.share)

    def _on_position(self, seconds: float) -> None:
        self._position = seconds
        self.timeline.set_playhead(seconds)
        self._refresh_preview()

    # -- edits from the view -------------------------------------------------------------------
    def _on_crop_drag(self, cx: float, cy: float) -> None:
        framing: Framing = replace(self.model.framing(), cx=cx, cy=cy)
        self.model.set_framing(framing, merge="crop")

    def _on_caption_drag(self, index: int, x: float, y: float) -> None:
        captions = self.model.edits.captions
        if 0 <= index < len(captions):
            self.model.update_caption(index, replace(captions[index], x=x, y=y), merge="move")

    def _add_caption(self) -> None:
        new = free_spot(Caption(text="Your caption"), self.model.edits.captions, self.output_size())
        index = self.model.add_caption(new)
        self.captions.select(index)
        self.captions.text.setFocus()
        self.captions.text.selectAll()

    def _quote(self, rows: list[int]) -> None:
        start, end = self.model.edits.trim(self.model.moment)
        existing = {(c.text, c.start) for c in self.model.edits.captions}
        new = [
            c for c in self.quotes.captions(rows, start, end) if (c.text, c.start) not in existing
        ]
        self.model.add_captions(new, "Quote the moment")
        if new:
            self.captions.select(len(self.model.edits.captions) - 1)

    def _on_quotes(self) -> None:
        """List the lines spoken during the trimmed clip (again when the trim changes)."""
        trim = self.model.edits.trim(self.model.moment)
        lines = self.quotes.lines(*trim)
        shown = (trim, lines, self.quotes.empty_reason())
        if shown == self._quoted:
            return
        self._quoted = shown
        self.captions.set_quotes(lines, shown[2])

    # -- closing -------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.model.save_now()
        self.timeline.cancel()
        if self._share is not None:
            self._share.cancel_all()
        self.player.release()
        self.closed.emit(self.model.moment)
        super().closeEvent(event)

    def moment_saved(self, stored: Moment) -> None:
        """The capture finished storing the moment: edits can now be saved under its id."""
        self.model.moment = stored.with_edits(self.model.edits.to_json())
        if self.model.edits != MomentEdits():
            self.model.save_now()

    def duration_text(self) -> str:
        start, end = self.model.edits.trim(self.model.moment)
        return format_time(end - start, millis=True)
