"""The JSON API area (`/api/v1`): integrators' front door to the same services."""
