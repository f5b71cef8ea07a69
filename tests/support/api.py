"""Calling the JSON API in tests: tokens made through the real service, requests with
`Authorization: Bearer …`."""

from __future__ import annotations

from webapp.api.tokens import create_token
from webapp.extensions import db
from webapp.models import User
from webapp.unit_of_work import unit_of_work


def make_token(app, user_id: int, scope: str = "write", name: str = "tests") -> str:
    """A new token of the user's; returns the secret."""
    with app.test_request_context(), unit_of_work():
        _token, secret = create_token(db.session.get(User, user_id), name, scope)
    return secret


class ApiClient:
    """The test client, speaking to /api/v1 with one token."""

    def __init__(self, client, secret: str | None):
        self.client = client
        self.secret = secret

    def _headers(self, headers: dict | None) -> dict:
        base = {"Authorization": f"Bearer {self.secret}"} if self.secret else {}
        return {**base, **(headers or {})}

    def get(self, path: str, headers: dict | None = None, **kwargs):
        return self.client.get("/api/v1" + path, headers=self._headers(headers), **kwargs)

    def post(self, path: str, json=None, headers: dict | None = None, **kwargs):
        return self.client.post(
            "/api/v1" + path, json=json, headers=self._headers(headers), **kwargs
        )

    def patch(self, path: str, json=None, headers: dict | None = None, **kwargs):
        return self.client.patch(
            "/api/v1" + path, json=json, headers=self._headers(headers), **kwargs
        )

    def put(self, path: str, json=None, headers: dict | None = None, **kwargs):
        return self.client.put(
            "/api/v1" + path, json=json, headers=self._headers(headers), **kwargs
        )

    def delete(self, path: str, headers: dict | None = None, **kwargs):
        return self.client.delete("/api/v1" + path, headers=self._headers(headers), **kwargs)
