"""The outbox service: a timer sends due posts through the task runner, retries by itself
when the server comes back, resumes at start-up and cancels on request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from moments.core.library import Library, PostState
from moments.core.moment import Moment, SourceRange
from moments.share import mastodon_auth
from moments.share.base import PostRequest
from moments.share.credentials import AccountStore
from moments.share.outbox import Outbox
from moments.share.targets import target_factory
from moments.ui.common.tasks import TaskRunner
from moments.ui.share.outbox_service import OutboxService
from tests.support.fake_mastodon import FakeMastodon
from tests.support.keyring_file import file_keyring
from tests.support.media import ffmpeg


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "clip.mp4"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=d=1:s=160x90:r=10",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        str(path),
    )
    return path


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[FakeMastodon, Library, AccountStore, str, int]]:
    with file_keyring(tmp_path / "keyring.json"), FakeMastodon(processing_polls=1) as fake:
        store = AccountStore(tmp_path / "accounts.json")
        key = mastodon_auth.sign_in_with_token(store, fake.url, fake.new_token()).key
        library = Library(tmp_path / "library.sqlite3")
        moment = library.add_moment(Moment.new("/f.mkv", [SourceRange("/f.mkv", 0, 9)], 5.0))
        assert moment.id is not None
        yield fake, library, store, key, moment.id
        library.close()


def make_service(
    library: Library, store: AccountStore, **outbox: float
) -> tuple[OutboxService, TaskRunner]:
    runner = TaskRunner()
    service = OutboxService(
        runner, Outbox(library, target_factory(store), **outbox), interval_ms=100
    )
    return service, runner


def stop(service: OutboxService, runner: TaskRunner) -> None:
    service.stop()
    assert runner.wait(10_000)


def test_a_post_waits_for_the_server_and_goes_out_by_itself(
    qtbot: QtBot, setup, clip: Path
) -> None:
    fake, library, store, key, moment_id = setup
    service, runner = make_service(library, store, backoff_base=0.3)
    fake.stop()
    service.start()
    with qtbot.waitSignal(service.post_added) as added:
        service.enqueue(moment_id, key, PostRequest(clip, "from the queue"))
    post_id = added.args[0].id

    def waiting() -> None:
        post = library.get_post(post_id)
        assert post is not None and post.state is PostState.QUEUED and post.error_kind == "network"

    qtbot.waitUntil(waiting, timeout=5000)
    fake.start()
    progress: list[float] = []
    service.post_progress.connect(lambda pid, fraction: progress.append(fraction))

    def posted() -> None:
        post = library.get_post(post_id)
        assert post is not None and post.state is PostState.POSTED

    qtbot.waitUntil(posted, timeout=10_000)
    # The last progress report is queued from the worker; it may land just after the state.
    qtbot.waitUntil(lambda: bool(progress) and progress[-1] == 1.0, timeout=5000)
    assert [s["content"] for s in fake.statuses] == ["from the queue"]
    stop(service, runner)


def test_interrupted_posts_resume_at_start(qtbot: QtBot, setup, clip: Path) -> None:
    fake, library, store, key, moment_id = setup
    outbox = Outbox(library, target_factory(store))
    post = outbox.enqueue(moment_id, key, PostRequest(clip, "resumed"))
    assert library.claim_post(post.id)  # uploading when the last Moments stopped
    service, runner = make_service(library, store)
    with qtbot.waitSignals([service.post_changed] * 2, timeout=10_000):
        service.start()

    def posted() -> None:
        record = library.get_post(post.id)
        assert record is not None and record.state is PostState.POSTED

    qtbot.waitUntil(posted, timeout=10_000)
    assert [s["content"] for s in fake.statuses] == ["resumed"]
    stop(service, runner)


def test_cancel_fails_the_post(qtbot: QtBot, setup, tmp_path: Path) -> None:
    fake, library, store, key, moment_id = setup
    big = tmp_path / "big.mp4"
    big.write_bytes(b"\0" * (4 * 1024 * 1024))
    fake.read_delay = 0.05  # about 3 s to take the whole upload
    service, runner = make_service(library, store)
    service.start()
    progress: list[float] = []
    service.post_progress.connect(lambda pid, fraction: progress.append(fraction))
    with qtbot.waitSignal(service.post_added) as added:
        service.enqueue(moment_id, key, PostRequest(big, "never"))
    post_id = added.args[0].id
    qtbot.waitUntil(lambda: bool(progress) and progress[-1] > 0.05, timeout=10_000)
    service.cancel(post_id)
    qtbot.waitUntil(lambda: service.sending() == [], timeout=10_000)
    post = library.get_post(post_id)
    assert post is not None and post.state is PostState.FAILED
    assert post.error == "Posting was cancelled." and fake.statuses == []
    stop(service, runner)
