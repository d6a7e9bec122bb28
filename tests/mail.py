"""A real SMTP server on 127.0.0.1 for tests that send email, and apps that use it.

``mail_app`` sends to a server that is up. ``mail_down_app`` sends to a closed local port,
as when the mail server is down; ``smtp_server(port)`` brings a server up on that port later.
"""

from __future__ import annotations

import socket
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler

from tests.conftest import built_app


class Inbox(MessageHandler):
    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def free_port() -> int:
    """A local port nothing listens on (connections to it are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(port: int):
    """An SMTP server on 127.0.0.1:``port`` while the block runs; yields its inbox."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp():
    port = free_port()
    with smtp_server(port) as inbox:
        yield port, inbox


def _app_sending_to(tmp_path, port: int):
    return built_app(
        tmp_path, seeded=False, MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SUPPRESS_SEND=False
    )


@pytest.fixture
def mail_app(tmp_path, smtp):
    port, inbox = smtp
    with _app_sending_to(tmp_path, port) as app:
        with app.app_context():
            app.inbox = inbox
            yield app


@pytest.fixture
def mail_down_app(tmp_path):
    """An app whose mail server is down; ``app.mail_port`` is where it will come back."""
    port = free_port()
    with _app_sending_to(tmp_path, port) as app:
        with app.app_context():
            app.mail_port = port
            yield app
