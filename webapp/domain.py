"""The one error type services raise: a rule was broken. Views turn it into a form
message (`field`) or an HTTP status; services never render or flash."""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, message, field: str | None = None, status: int = 400):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.status = status
