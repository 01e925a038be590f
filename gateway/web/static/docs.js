// The API documentation page: Swagger UI (served by the platform) over /openapi.json.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const node = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: node.dataset.url, domNode: node, deepLinking: true,
                           tryItOutEnabled: false });
});
