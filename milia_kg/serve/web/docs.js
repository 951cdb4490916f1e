// /docs: Swagger UI (vendored) on this server's OpenAPI document; no validator badge (it would call
// validator.swagger.io), nothing fetched from elsewhere.
'use strict';
window.ui = SwaggerUIBundle({
  url: new URL('openapi.json', document.baseURI).href,
  dom_id: '#swagger-ui',
  validatorUrl: null,
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
