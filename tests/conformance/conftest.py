"""The sharing fixtures (file keyring, account store, a small real MP4) for conformance tests."""

from tests.share.conftest import clip, keyring_backend, store

__all__ = ["clip", "keyring_backend", "store"]
