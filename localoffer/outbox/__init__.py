"""Outgoing email: queued in the transaction that wants it sent, sent after the commit.

- ``transport.py``: ``deliver`` one email through ``MAIL_SERVER`` (Flask-Mail), or to the log.
- ``queue.py``: ``send_later`` adds an ``OutgoingEmail`` row in the caller's transaction and
  keeps the composed email in memory; after the commit it is ready to send.
- ``sender.py``: sends what a request committed, either at once (``send_committed``, when the
  page says whether it went) or after the response has gone (every other request: nobody
  waits, and a password reset's answer cannot depend on it); retries the rest with backoff
  (``send_pending``, run by ``flask mail send-pending``) until each email's life ends.
- ``cli.py``: ``flask mail send-pending``.
"""
