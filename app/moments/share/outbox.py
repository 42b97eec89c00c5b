"""The outbox: posts kept in the library until they are published.

``enqueue`` stores a post (due at once). ``send`` runs one through its target and records
what happened: posted (url); queued again with exponential backoff (``Retry-After``
honoured) when the network or the server failed; failed when a retry cannot help (sign-in,
too large, refused) or after ``max_attempts``. Because the queue is in SQLite it survives a
restart: ``resume()`` puts posts a stopped Moments left half-sent back in the queue, and the
idempotency key kept with each post stops a retry from publishing twice (Mastodon, Bluesky).

Qt-free and blocking: ``ui/share/outbox_service.py`` calls it from workers on a timer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from moments.core.cancel import CancelToken
from moments.core.errors import CancelledError, MomentsError, ShareError
from moments.core.library import Library, PostRecord, PostState
from moments.share.base import PostRequest
from moments.share.http import ProgressCallback
from moments.share.targets import TargetFactory

log = logging.getLogger(__name__)

PROGRESS_STEP = 0.02
"""Progress is written to the library when it moved this much (every call reaches the UI)."""


class Outbox:
    """Sends and retries posts stored in ``library``; ``targets`` opens an account's target."""

    def __init__(
        self,
        library: Library,
        targets: TargetFactory,
        *,
        backoff_base: float = 30.0,
        backoff_max: float = 3600.0,
        max_attempts: int = 10,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.library = library
        self._targets = targets
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_attempts = max_attempts
        self._clock = clock
        self._closing = False

    def close(self) -> None:
        """Moments is quitting: a post cancelled from now on is queued again for the next
        start instead of failing (a cancel by the user fails it: ``retry`` sends it again)."""
        self._closing = True

    def enqueue(
        self,
        moment_id: int,
        account_key: str,
        request: PostRequest,
        *,
        export_id: int | None = None,
    ) -> PostRecord:
        """Keep ``request`` for ``account_key`` (``Account.key``); due at once."""
        options: dict[str, Any] = {"visibility": request.visibility}
        if request.language:
            options["language"] = request.language
        if request.size:
            options["size"] = list(request.size)
        if request.title:
            options["title"] = request.title
        return self.library.add_post(
            moment_id,
            target=account_key.split(":", 1)[0],
            account=account_key,
            file=request.file,
            text=request.text,
            alt_text=request.alt_text,
            hashtags=request.hashtags,
            options=options,
            idempotency_key=request.idempotency_key,
            export_id=export_id,
            now=self._clock(),
        )

    def due(self) -> list[PostRecord]:
        return self.library.due_posts(self._clock())

    def next_due_at(self) -> float | None:
        return self.library.next_post_due_at()

    def resume(self) -> list[int]:
        """At start-up: posts left ``uploading`` are queued again, due now."""
        ids = self.library.requeue_interrupted_posts(self._clock())
        if ids:
            log.info("outbox: resuming interrupted posts %s", ids)
        return ids

    def retry(self, post_id: int) -> None:
        """Send a failed (or waiting) post again as soon as possible, backoff reset."""
        post = self.library.get_post(post_id)
        if post is None or post.state in (PostState.POSTED, PostState.UPLOADING):
            return
        resume = post.options.get("resume")
        if isinstance(resume, dict) and resume.pop("unconfirmed", None):
            # Discord's answer was lost: the user looked, the post is not there.
            self.library.set_post_options(post_id, {**post.options, "resume": resume})
        self.library.update_post_state(
            post_id, PostState.QUEUED, next_try_at=self._clock(), attempts=0, now=self._clock()
        )

    def send(
        self,
        post_id: int,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> PostRecord | None:
        """Send post ``post_id`` now if it is queued (blocks). Every outcome is recorded and
        the post returned; None when it was not queued (sent or being sent elsewhere)."""
        if not self.library.claim_post(post_id, self._clock()):
            return None
        post = self.library.get_post(post_id)
        assert post is not None
        written = [0.0]

        def report(fraction: float) -> None:
            if fraction - written[0] >= PROGRESS_STEP or fraction >= 1.0:
                written[0] = fraction
                self.library.set_post_progress(post_id, fraction)
            if progress is not None:
                progress(fraction)

        options = dict(post.options)

        def note(name: str, value: str) -> None:
            options["resume"] = {**options.get("resume", {}), name: value}
            self.library.set_post_options(post_id, options)

        try:
            target = self._targets(post.account)
            result = target.post(request_of(post), progress=report, cancel=cancel, note=note)
        except CancelledError:
            if self._closing:
                self.library.update_post_state(
                    post_id,
                    PostState.QUEUED,
                    next_try_at=self._clock(),
                    attempts=post.attempts - 1,
                    now=self._clock(),
                )
            else:
                self._record_failure(post, ShareError("Posting was cancelled."), final=True)
        except ShareError as exc:
            final = not exc.retryable or post.attempts >= self.max_attempts
            self._record_failure(post, exc, final=final)
        except MomentsError as exc:
            self._record_failure(post, ShareError(str(exc), details=exc.details), final=True)
        except Exception as exc:
            log.exception("outbox: post %d crashed", post_id)
            error = ShareError(f"Moments could not post ({type(exc).__name__}).")
            self._record_failure(post, error, final=True)
        else:
            self.library.update_post_state(
                post_id,
                PostState.POSTED,
                url=result.url,
                remote_id=result.remote_id,
                now=self._clock(),
            )
            log.info("outbox: post %d published", post_id)
        return self.library.get_post(post_id)

    def send_due(self, *, cancel: CancelToken | None = None) -> list[PostRecord]:
        """Send every post due now, one after the other (blocks); what became of them."""
        sent = []
        for post in self.due():
            if cancel is not None and cancel.cancelled:
                break
            record = self.send(post.id, cancel=cancel)
            if record is not None:
                sent.append(record)
        return sent

    def delay(self, attempts: int, retry_after: float | None = None) -> float:
        """Seconds before the next try after ``attempts`` failed ones."""
        backoff = min(self.backoff_max, self.backoff_base * 2.0 ** max(0, attempts - 1))
        return max(backoff, retry_after or 0.0)

    def _record_failure(self, post: PostRecord, error: ShareError, *, final: bool) -> None:
        now = self._clock()
        if final:
            self.library.update_post_state(
                post.id, PostState.FAILED, error=str(error), error_kind=str(error.kind), now=now
            )
            log.info("outbox: post %d failed (%s)", post.id, error.kind)
            return
        wait = self.delay(post.attempts, error.retry_after)
        self.library.update_post_state(
            post.id,
            PostState.QUEUED,
            error=str(error),
            error_kind=str(error.kind),
            next_try_at=now + wait,
            now=now,
        )
        log.info("outbox: post %d will be tried again in %.0f s (%s)", post.id, wait, error.kind)


def request_of(post: PostRecord) -> PostRequest:
    """The request a stored post was made from (same idempotency key)."""
    options = post.options
    size = options.get("size")
    raw = options.get("resume")
    resume: dict[str, Any] = raw if isinstance(raw, dict) else {}
    return PostRequest(
        file=post.file,
        text=post.text,
        alt_text=post.alt_text,
        hashtags=post.hashtags,
        visibility=options.get("visibility", "public"),
        language=options.get("language"),
        size=(int(size[0]), int(size[1])) if isinstance(size, list) and len(size) == 2 else None,
        idempotency_key=post.idempotency_key,
        title=str(options.get("title", "")),
        retry=post.attempts > 1 or bool(resume),
        resume={str(k): str(v) for k, v in resume.items()},
    )
