"""/api/docs: the API's reference page, from Quorum's own static files, under the CSP."""

from __future__ import annotations

import re

from webapp.config import PROJECT_ROOT
from webapp.security import CONTENT_SECURITY_POLICY

VENDOR = PROJECT_ROOT / "static" / "vendor" / "swagger-ui"


def test_the_docs_page_explains_the_api_and_links_to_the_spec(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<h1 id="api-docs-title">The Quorum API</h1>' in html
    assert 'href="/settings/tokens"' in html
    assert 'href="/api/v1/openapi.json"' in html
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    # Everything comes from this site: no CDN, and no inline script under the CSP.
    scripts = re.findall(r'<script src="([^"]+)"', html)[-2:]
    assert [src.split("?v=")[0] for src in scripts] == [
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/js/api-docs.js",
    ]
    assert "/static/vendor/swagger-ui/swagger-ui.css?v=" in html
    assert "<script>" not in html and "https://" not in html.split("<main")[1]
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_the_docs_page_speaks_the_visitors_language(client):
    response = client.get("/api/docs", headers={"Accept-Language": "de"})
    assert response.status_code == 200
    assert '<html lang="de"' in response.get_data(as_text=True)


def test_the_spec_it_reads_is_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/me" in spec["paths"]


def test_the_vendored_swagger_ui_is_pinned_with_its_licences(client):
    assert re.fullmatch(r"swagger-ui-dist 5\.\d+\.\d+\n", (VENDOR / "VERSION").read_text())
    for name in ("LICENSE", "NOTICE", "THIRD-PARTY-LICENSES.txt"):
        assert (VENDOR / name).stat().st_size > 0
    assert "Apache License" in (VENDOR / "LICENSE").read_text()
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        response = client.get(f"/static/vendor/swagger-ui/{name}")
        assert response.status_code == 200
        response.close()
    script = client.get("/static/js/api-docs.js")
    assert script.status_code == 200
    assert b"validatorUrl: null" in script.data
    script.close()
