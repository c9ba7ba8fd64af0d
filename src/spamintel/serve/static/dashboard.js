// Draws the charts a page carries as JSON (<script type="application/json" class="chart-data"
// data-canvas="ID">) with the vendored Chart.js, and submits the month selector on change.
// The page holds no script of its own, so the Content-Security-Policy forbids inline script.
"use strict";

(function () {
  const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

  function tickFormat(value) {
    return compact.format(value);
  }

  function draw(holder) {
    const canvas = document.getElementById(holder.dataset.canvas);
    if (!canvas || typeof Chart === "undefined") {
      return;
    }
    const config = JSON.parse(holder.textContent);
    const scales = (config.options && config.options.scales) || {};
    for (const id of ["y", "y1"]) {
      if (scales[id]) {
        scales[id].ticks = Object.assign({}, scales[id].ticks, { callback: tickFormat });
      }
    }
    const legend = ((config.options || {}).plugins || {}).legend;
    if (legend) {
      legend.labels = Object.assign({}, legend.labels, {
        filter: (item, data) => !data.datasets[item.datasetIndex].hiddenInLegend,
      });
    }
    new Chart(canvas, config);
  }

  function autoSubmit() {
    for (const select of document.querySelectorAll("select[data-autosubmit]")) {
      select.addEventListener("change", () => select.form.submit());
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("script.chart-data").forEach(draw);
    autoSubmit();
  });
})();
