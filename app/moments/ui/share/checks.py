"""The share panel's checks: what each chosen platform would refuse or show badly, each
problem with its one-click fixes (trim, lengthen, frame 9:16 every platform that asks,
compress, lower the resolution, fewer hashtags). A target with an error is held back; the
others can still be made."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from moments.core.framing import framed_output_size, is_aspect
from moments.core.presets import (
    ClipFacts,
    ExportPreset,
    Fix,
    Problem,
    estimate_size,
    get_preset,
    validate,
)
from moments.core.settings import Settings

if TYPE_CHECKING:  # the share panel works on the editor's model; the editor embeds it
    from moments.ui.editor import EditorModel


@dataclass
class TargetState:
    """What the user accepted for one preset in this session (compress to fit, a lower
    resolution)."""

    size_accepted: bool = False
    overrides: dict[str, object] = field(default_factory=dict)


class ShareChecks(QWidget):
    fixed = Signal()
    """A fix was applied (the panel refreshes)."""

    def __init__(
        self, model: EditorModel, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("shareChecks")
        self.model = model
        self.settings = settings
        self.display: tuple[int, int] = (1920, 1080)
        self.fps = 30.0
        self._states: dict[str, TargetState] = {}
        self._shown: list[str] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def state(self, preset_id: str) -> TargetState:
        return self._states.setdefault(preset_id, TargetState())

    def preset(self, preset_id: str) -> ExportPreset:
        """The limits this target's file is checked and made against."""
        return self.settings.preset(preset_id, self.state(preset_id).overrides)

    def problems_for(self, preset_id: str) -> list[Problem]:
        edits, moment = self.model.edits, self.model.moment
        state = self.state(preset_id)
        preset = self.preset(preset_id)
        framing = edits.framing_for(preset_id)
        width, height = framed_output_size(
            *self.display, framing, preset.long_side, preset.short_side
        )
        duration = edits.duration(moment)
        facts = ClipFacts(
            duration=duration,
            width=width,
            height=height,
            fps=self.fps,
            framing_aspect=framing.aspect,
            text=edits.post_text(moment),
            hashtags=len(edits.hashtags),
            estimated_size=estimate_size(preset, width, height, self.fps, duration),
            size_accepted=state.size_accepted,
            room=moment.end - moment.start,
        )
        return validate(preset, facts)

    def show_problems(self, presets: list[str], *, text_checked: set[str]) -> set[str]:
        """List the problems of ``presets`` (text length only for ``text_checked``); return
        the targets held back (an error stops their file; the others can still be made)."""
        while self._layout.count():
            item = self._layout.takeAt(0)
            child = item.widget() if item is not None else None
            if child is not None:
                child.hide()
                child.setParent(None)  # gone from the panel now, deleted later
                child.deleteLater()
        held: set[str] = set()
        self._shown = list(dict.fromkeys(presets))
        for preset_id in self._shown:
            name = get_preset(preset_id).name
            for problem in self.problems_for(preset_id):
                if problem.code == "text-too-long" and preset_id not in text_checked:
                    continue
                if problem.severity == "error":
                    held.add(preset_id)
                self._layout.addWidget(self._problem_row(preset_id, name, problem))
        return held

    def _problem_row(self, preset_id: str, name: str, problem: Problem) -> QWidget:
        row = QWidget()
        row.setObjectName(f"problem-{problem.code}")
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        mark = "⛔" if problem.severity == "error" else "⚠️"
        label = QLabel(f"{mark} {problem.message}")  # the message names the platform
        label.setWordWrap(True)
        layout.addWidget(label, 1)
        for fix in problem.fixes:
            button = QPushButton(fix.label)
            button.setAccessibleName(f"{fix.label} for {name}")
            button.clicked.connect(lambda _=False, f=fix, p=preset_id: self.apply_fix(p, f))
            layout.addWidget(button)
        return row

    def apply_fix(self, preset_id: str, fix: Fix) -> None:
        """One click: change the edits (trim, aspect, hashtags) or accept for this target."""
        model, edits, moment = self.model, self.model.edits, self.model.moment
        state = self.state(preset_id)
        start, end = edits.trim(moment)
        if fix.kind == "trim":
            model.set_trim(start, start + float(fix.value))
        elif fix.kind == "extend":
            wanted = start + float(fix.value)
            if wanted > moment.end:  # grow backwards too, inside what was kept
                start = max(moment.start, moment.end - float(fix.value))
            model.set_trim(start, min(moment.end, max(end, start + float(fix.value))))
        elif fix.kind == "aspect":  # every chosen platform that asks for it, in one click
            if not is_aspect(fix.value):
                raise ValueError(f"unknown aspect {fix.value!r}")
            wanting = [preset_id] + [
                other
                for other in self._shown
                if other != preset_id
                and any(fix in problem.fixes for problem in self.problems_for(other))
            ]
            changed = edits
            for target in wanting:  # the others keep their shape
                framing = replace(changed.framing_for(target), aspect=fix.value)
                changed = changed.with_framing(framing, target)
            names = ", ".join(get_preset(target).name for target in wanting)
            model.apply(changed.replace(preset=preset_id), f"Frame for {names}")  # and show it
        elif fix.kind == "fewer-hashtags":
            model.set_hashtags(list(edits.hashtags[: int(fix.value)]))
        elif fix.kind == "target-size":
            state.size_accepted = True
        elif fix.kind == "resolution":
            long_side = int(fix.value)
            state.overrides.update(long_side=long_side, short_side=long_side * 9 // 16 // 2 * 2)
            state.size_accepted = True
        elif fix.kind == "shorten-text":
            model.set_title((edits.title or moment.title)[: max(0, int(fix.value) - 40)])
        self.fixed.emit()
