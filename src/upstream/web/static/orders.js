// The order page's zone map: drawn from the JSON in <script id="zone-data">, with plotly's
// closed-freeform drawing tool. A shape drawn on it (BNG metres) is written into the zone
// form's GeoJSON field, which the server checks (a valid polygon, inside the area).
(function () {
  "use strict";
  var el = document.querySelector("[data-zone-figure]");
  if (!el || typeof Plotly === "undefined") {
    return;
  }
  var source = document.getElementById(el.getAttribute("data-zone-figure"));
  var figure = JSON.parse(source.textContent);
  var field = document.getElementById("zone_geojson");
  var config = {
    displaylogo: false,
    responsive: true,
    modeBarButtonsToAdd: field ? ["drawclosedpath", "eraseshape"] : [],
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"]
  };
  Plotly.newPlot(el, figure.data, figure.layout, config);
  if (!field) {
    return;
  }
  function ring(path) {
    var points = path.replace(/[MZ]/g, "").split("L").map(function (pair) {
      var xy = pair.split(",");
      return [Math.round(parseFloat(xy[0]) * 10) / 10, Math.round(parseFloat(xy[1]) * 10) / 10];
    }).filter(function (p) { return isFinite(p[0]) && isFinite(p[1]); });
    if (points.length) {
      points.push(points[0]);
    }
    return points;
  }
  el.on("plotly_relayout", function () {
    var shapes = (el.layout.shapes || []).filter(function (s) { return s.path; });
    if (!shapes.length) {
      return;
    }
    var last = shapes[shapes.length - 1];
    field.value = JSON.stringify({ type: "Polygon", coordinates: [ring(last.path)] });
    var kind = document.getElementById("kind");
    if (kind) {
      kind.value = "exclusion_zone";
    }
  });
})();
