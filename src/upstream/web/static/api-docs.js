// Starts Swagger UI on /api/docs (no inline script: the Content-Security-Policy forbids it).
// Every call the page makes carries the session's CSRF token, as the API requires of changes.
(function () {
  "use strict";
  var meta = function (name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  };
  window.ui = SwaggerUIBundle({
    url: meta("openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    withCredentials: true,
    requestInterceptor: function (request) {
      request.headers["X-CSRF-Token"] = meta("csrf-token");
      return request;
    },
  });
})();
