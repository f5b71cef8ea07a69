// /api/docs: Swagger UI (static/vendor/swagger-ui) renders the live OpenAPI document
// into #api-reference. Loaded from 'self' under the site's CSP; no inline script.
(function () {
  "use strict";

  function start() {
    var target = document.getElementById("api-reference");
    if (!target || typeof window.SwaggerUIBundle !== "function") {
      return;
    }
    var fallback = document.getElementById("api-reference-fallback");
    if (fallback) {
      fallback.hidden = true;
    }
    window.SwaggerUIBundle({
      url: target.dataset.specUrl,
      domNode: target,
      // Without deep links the operation summaries hold no link inside their button.
      deepLinking: false,
      // No call to validator.swagger.io: the page talks to this site only.
      validatorUrl: null,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      defaultModelsExpandDepth: 0,
      docExpansion: "list",
      tryItOutEnabled: false,
      persistAuthorization: false,
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
