"""The WSGI entry point: `gunicorn wsgi:app`, and what `flask` finds by default."""

from webapp import create_app
from webapp.config import ConfigurationError

try:
    app = create_app()
except ConfigurationError as error:
    raise SystemExit(f"Quorum cannot start: {error}") from None
