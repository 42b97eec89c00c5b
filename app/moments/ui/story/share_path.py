"""“Share your path”: the recap of the choices made (``core/story/recap``: a few seconds
before each choice, the choice written as a caption, the first seconds of what was chosen,
the ending) joined into one clip in a worker, kept as a Moment with those captions, and
opened in the editor, whose share panel exports it with the one export engine."""

from __future__ import annotations

import logging
import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moments.core.edits import MomentEdits
from moments.core.errors import CancelledError, MediaError
from moments.core.library import Library
from moments.core.moment import Moment, SourceRange
from moments.core.story.recap import RecapPlan, plan_recap
from moments.media.capture import save_thumbnail
from moments.media.join import join_ranges
from moments.media.probe import probe
from moments.media.tools import Progress
from moments.ui.common import Task, TaskContext, messages
from moments.ui.story.session import StorySession

if TYPE_CHECKING:
    from moments.ui.player.window import MainWindow

log = logging.getLogger(__name__)


def share_path(window: MainWindow, session: StorySession) -> Task | None:
    """Make the recap of ``session``'s path and open it in the editor."""
    library = window.moments.library
    if library is None:
        messages.error("The recap cannot be kept: the Moments library is not available.")
        return None
    plan = plan_recap(session.story, session.engine.path)
    if not plan.ranges:
        window.toast.show_message(
            "Make a choice first: the recap of your path is made from the choices you make."
        )
        return None
    if session.engine.ending is None and session.player().is_playing():
        session.toggle_pause()
    memo = session.memo()
    holder: list[Task] = []

    def progress(p: Progress) -> None:
        window.toast.show_message(
            f"Making the recap of your path… {(p.fraction or 0.0) * 100:.0f}%",
            button="Cancel",
            on_button=lambda: holder[0].cancel() if holder else None,
            seconds=30,
        )

    task = window.tasks.run(
        lambda ctx: make_recap(ctx, library, plan, memo),
        name="recap",
        on_progress=progress,
        on_success=lambda moment: _made(window, session, moment),
        on_error=lambda error: _failed(window, error),
    )
    holder.append(task)
    progress(Progress(0.0, 0.0, None, None))
    return task


def make_recap(ctx: TaskContext, library: Library, plan: RecapPlan, memo: dict[str, Any]) -> Moment:
    """In a worker: the joined clip in the library's media folder, the Moment stored with the
    choices as captions; a failure or a cancel leaves neither."""
    stem = f"recap-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"
    clip = library.media_dir / f"{stem}.mkv"
    join_ranges(plan.ranges, clip, progress=ctx.progress, cancel=ctx.cancel)
    try:
        ctx.cancel.raise_if_cancelled()
        length = probe(str(clip)).duration or plan.duration_ms / 1000
        edits = MomentEdits(captions=plan.captions, title=plan.title)
        moment = (
            Moment.new(str(clip), [SourceRange(str(clip), 0.0, length)], 0.0, title=plan.title)
            .with_story(memo)
            .with_edits(edits.to_json())
            .with_capture(str(clip), 0.0, None)
        )
        stored = library.add_moment(moment)
    except BaseException:
        clip.unlink(missing_ok=True)
        raise
    thumbnail = clip.with_suffix(".jpg")
    try:
        save_thumbnail(str(clip), min(length / 2, 1.0), thumbnail, cancel=ctx.cancel)
        assert stored.id is not None
        library.update_capture(stored.id, clip, 0.0, thumbnail)
        stored = stored.with_capture(str(clip), 0.0, str(thumbnail))
    except (MediaError, KeyError) as exc:  # a recap without a thumbnail is still a recap
        log.warning("no thumbnail for the recap: %s", exc)
        Path(thumbnail).unlink(missing_ok=True)
    return stored


def _made(window: MainWindow, session: StorySession, moment: Moment) -> None:
    window.toast.show_message(f"Kept “{moment.title}”: edit it and share it", seconds=5)
    if window.isFullScreen():
        window.set_fullscreen(False)
    window.moments.edit(moment)
    session.show_ending_card()


def _failed(window: MainWindow, error: BaseException) -> None:
    if isinstance(error, CancelledError):
        window.toast.show_message("The recap was not made.", seconds=3)
        return
    messages.error(f"The recap of your path could not be made: {error}")
