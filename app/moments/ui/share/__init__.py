"""The share panel: renditions, exports, posting to accounts, the accounts dialog and the
outbox service."""

from moments.ui.share.outbox_service import OutboxService
from moments.ui.share.panel import SharePanel

__all__ = ["OutboxService", "SharePanel"]
