"""A real SMTP server in the test process (aiosmtpd), and what it received.

One server is started for the whole test run, on a free local port, the first time it
is asked for; every app the suite builds (and the gunicorn of the browser tests) sends
its mail there through Flask-Mailman's SMTP backend, as it would to a real server."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass
class Mail:
    """One message as it arrived."""

    recipients: list[str]
    message: EmailMessage

    @property
    def to(self) -> str:
        return self.recipients[0]

    @property
    def subject(self) -> str:
        # A long encoded subject is folded right after "Subject:"; mail programs drop the
        # whitespace that unfolding leaves in front, and so does this.
        return str(self.message["Subject"]).strip()

    def part(self, content_type: str) -> str:
        body = self.message.get_body(preferencelist=(content_type.split("/")[1],))
        assert body is not None and body.get_content_type() == content_type, content_type
        return body.get_content()

    @property
    def text(self) -> str:
        return self.part("text/plain")

    @property
    def html(self) -> str:
        return self.part("text/html")

    def links(self) -> list[str]:
        """Every address in the plain-text part, in order."""
        return LINK.findall(self.text)

    def link(self, containing: str) -> str:
        """The one link in the text part whose address contains `containing`."""
        found = [link for link in self.links() if containing in link]
        assert len(found) == 1, (containing, self.links())
        return found[0]


class Mailbox:
    """Every message the server accepted since the last `clear()`."""

    def __init__(self) -> None:
        self._mails: list[Mail] = []
        self._lock = threading.Lock()
        self.port = 0

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self._mails.append(Mail(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    @property
    def mails(self) -> list[Mail]:
        with self._lock:
            return list(self._mails)

    def clear(self) -> None:
        with self._lock:
            self._mails.clear()

    def to(self, address: str) -> list[Mail]:
        return [
            mail for mail in self.mails if address.lower() in (r.lower() for r in mail.recipients)
        ]

    def wait_for(
        self, address: str, count: int = 1, timeout: float = 10.0, containing: str = ""
    ) -> Mail:
        """The newest mail to `address` (whose text contains `containing`) once at least
        `count` such mails have arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            received = [mail for mail in self.to(address) if containing in mail.text]
            if len(received) >= count:
                return received[-1]
            time.sleep(0.05)
        raise AssertionError(f"no mail #{count} to {address} within {timeout} s: {self.mails}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_SHARED: Mailbox | None = None
_CONTROLLER: Controller | None = None


def shared_mailbox() -> Mailbox:
    """The test run's SMTP server (started on first use, stopped when the process ends)."""
    global _SHARED, _CONTROLLER
    if _SHARED is None:
        mailbox = Mailbox()
        mailbox.port = _free_port()
        _CONTROLLER = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
        _CONTROLLER.start()
        _SHARED = mailbox
    return _SHARED
