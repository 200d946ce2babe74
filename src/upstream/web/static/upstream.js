// Draw every figure on the page: each <div data-figure="ID"> takes its data and layout
// from the JSON in <script type="application/json" id="ID">. plotly.js comes from this server.
(function () {
  "use strict";
  var config = {
    displaylogo: false,
    responsive: true,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    toImageButtonOptions: { format: "png", scale: 2 }
  };
  var plots = [];
  document.querySelectorAll("[data-figure]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-figure"));
    if (!source || typeof Plotly === "undefined") {
      return;
    }
    var figure = JSON.parse(source.textContent);
    Plotly.newPlot(el, figure.data, figure.layout, config);
    plots.push(el);
  });
  window.addEventListener("beforeprint", function () {
    plots.forEach(function (el) { Plotly.Plots.resize(el); });
  });
})();
