"""Page objects: everything one page shows, built by one query function. The view
renders it, the API serializes the same object, and a cache can keep it as one unit."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass
class PageData:
    """Base of every page object."""

    def context(self) -> dict[str, Any]:
        """The page's parts by name, for its template."""
        return {field.name: getattr(self, field.name) for field in fields(self)}
