"""Posting targets, accounts, the outbox and hand-offs. No Qt; every call that talks to a
service blocks and belongs in a worker.

- ``credentials.AccountStore``: signed-in accounts (secrets in the OS keyring).
- ``mastodon_auth.begin_sign_in`` / ``sign_in_with_token``, ``bluesky.sign_in``,
  ``discord.add_webhook``: sign in, returning an ``Account``.
- ``targets.open_target(store, key)``: the ``base.PostTarget`` of an account;
  ``base.count_text`` for the counter, ``PostTarget.post`` to post.
- ``outbox.Outbox``: posts kept in the library and retried; ``handoff.handoff_for``: what to
  do for platforms Moments cannot post to; ``reexport.reexport`` after a too-large refusal.
"""
