"""The editor's state: one Moment, its ``MomentEdits``, undo/redo, and autosave.

Every change goes through ``apply`` as an undoable command; a drag sends many changes with
the same ``merge`` key, which collapse into one undo step. Changes are saved into the
library shortly after they stop (in a worker), so closing and reopening restores them.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from moments.core.captions import Caption
from moments.core.edits import MomentEdits
from moments.core.framing import Framing
from moments.core.library import Library
from moments.core.moment import Moment
from moments.ui.common import TaskRunner

log = logging.getLogger(__name__)

AUTOSAVE_MS = 400


class _EditCommand(QUndoCommand):
    def __init__(
        self, model: EditorModel, before: MomentEdits, after: MomentEdits, text: str, merge: int
    ) -> None:
        super().__init__(text)
        self._model, self._before, self._after, self._merge = model, before, after, merge

    def id(self) -> int:
        return self._merge

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _EditCommand) or other.id() != self._merge or self._merge < 0:
            return False
        self._after = other._after
        return True

    def redo(self) -> None:
        self._model._set(self._after)

    def undo(self) -> None:
        self._model._set(self._before)


class EditorModel(QObject):
    changed = Signal(object)
    """MomentEdits, after every change, undo and redo."""
    saved = Signal()

    def __init__(
        self,
        moment: Moment,
        library: Library | None,
        tasks: TaskRunner,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.moment = moment
        self._library = library
        self._tasks = tasks
        self._edits = MomentEdits.of(moment)
        self.undo_stack = QUndoStack(self)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(AUTOSAVE_MS)
        self._save_timer.timeout.connect(self.save_now)
        self._merge_ids: dict[tuple[str, int], int] = {}
        self._epoch = 0

    @property
    def edits(self) -> MomentEdits:
        return self._edits

    # -- changes -------------------------------------------------------------------------------
    def apply(self, edits: MomentEdits, text: str, *, merge: str | None = None) -> None:
        """Make ``edits`` current as one undo step (merged with the previous one while the
        same ``merge`` key keeps coming, as during a drag). A new trim keeps quoted captions
        on their lines."""
        if (edits.trim_start, edits.trim_end) != (self._edits.trim_start, self._edits.trim_end):
            edits = edits.replace(captions=edits.placed_captions(self.moment))
        if edits == self._edits:
            return
        command = _EditCommand(self, self._edits, edits, text, self._merge_id(merge))
        self.undo_stack.push(command)

    def end_merge(self) -> None:
        """The drag (or typing burst) is over: the next change starts a new undo step."""
        self._epoch += 1

    def _merge_id(self, key: str | None) -> int:
        if key is None:
            return -1
        return self._merge_ids.setdefault((key, self._epoch), 1 + len(self._merge_ids))

    def set_trim(self, start: float, end: float, *, merge: str | None = None) -> None:
        self.apply(replace(self._edits, trim_start=start, trim_end=end), "Trim", merge=merge)

    def framing(self) -> Framing:
        """The framing of the platform being edited."""
        return self._edits.framing_for(self._edits.preset)

    def set_framing(
        self, framing: Framing, *, preset_id: str | None = None, merge: str | None = None
    ) -> None:
        """Frame the platform being edited (its own framing, when it has one, else the
        shared one), or give ``preset_id`` a framing of its own."""
        self.apply(self._edits.with_framing(framing, preset_id), "Framing", merge=merge)

    def share_framing(self, preset_id: str) -> None:
        """``preset_id`` goes back to the framing the others share."""
        self.apply(self._edits.without_own_framing(preset_id), "Framing")

    def set_preset(self, preset_id: str) -> None:
        self.apply(replace(self._edits, preset=preset_id), "Platform")

    def set_hashtags(self, tags: list[str] | tuple[str, ...]) -> None:
        self.apply(replace(self._edits, hashtags=tuple(tags)), "Hashtags")

    def set_title(self, title: str) -> None:
        self.apply(replace(self._edits, title=title or None), "Title", merge="title")

    def add_caption(self, caption: Caption) -> int:
        captions = (*self._edits.captions, caption)
        self.apply(replace(self._edits, captions=captions), "Add caption")
        return len(captions) - 1

    def add_captions(self, captions: list[Caption], text: str = "Quote") -> None:
        if captions:
            combined = (*self._edits.captions, *captions)
            self.apply(replace(self._edits, captions=combined), text)

    def update_caption(self, index: int, caption: Caption, *, merge: str | None = None) -> None:
        captions = list(self._edits.captions)
        if not 0 <= index < len(captions):
            return
        before = captions[index]
        if (caption.start, caption.end) != (before.start, before.end):
            caption = caption.moved_by_hand(self._edits.trim(self.moment)[0])
        captions[index] = caption
        self.apply(replace(self._edits, captions=tuple(captions)), "Edit caption", merge=merge)

    def remove_caption(self, index: int) -> None:
        captions = list(self._edits.captions)
        if 0 <= index < len(captions):
            del captions[index]
            self.apply(replace(self._edits, captions=tuple(captions)), "Remove caption")

    # -- state ---------------------------------------------------------------------------------
    def _set(self, edits: MomentEdits) -> None:
        self._edits = edits
        self.moment = self.moment.with_edits(edits.to_json())
        self.changed.emit(edits)
        self._save_timer.start()

    def save_now(self) -> None:
        """Write the edits into the library (in a worker)."""
        self._save_timer.stop()
        library, moment_id = self._library, self.moment.id
        if library is None or moment_id is None:
            return
        data = self._edits.to_json()
        title = self._edits.title

        def write(_ctx: object) -> None:
            try:
                library.save_edits(moment_id, data)
                if title:  # one title: My Moments lists the moment by the editor's
                    library.rename(moment_id, title)
            except KeyError:  # the moment was deleted meanwhile
                log.info("moment %s is gone; its edits were not saved", moment_id)

        self._tasks.run(
            write,
            name="save edits",
            context=self,
            on_success=lambda _: self.saved.emit(),
            cancellable=False,  # asked for as the window closes: it must still be written
        )

    def has_unsaved(self) -> bool:
        return self._save_timer.isActive()
