"""The WSGI entry point: `gunicorn wsgi:app`, and what `flask` finds by default."""

import sys

from webapp import create_app
from webapp.config import ConfigurationError

# gunicorn stops (instead of restarting workers forever) when a worker exits with 4.
APP_LOAD_ERROR = 4

try:
    app = create_app()
except ConfigurationError as error:
    print(f"Quorum cannot start: {error}", file=sys.stderr)
    sys.exit(APP_LOAD_ERROR)
