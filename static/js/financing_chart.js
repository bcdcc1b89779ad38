// The financing overview's chart: the numbers come from the page (json_script),
// the tables above hold the same numbers for everyone who cannot see the chart.
(function () {
  "use strict";
  function draw() {
    var data = document.getElementById("financing-chart-data");
    var canvas = document.getElementById("financing-chart");
    if (!data || !canvas || typeof Chart === "undefined") {
      return;
    }
    var chart = JSON.parse(data.textContent);
    // Colours are told apart by pattern of order and legend text too, never colour alone.
    var colours = ["#4d4d4d", "#0059b3", "#b35900", "#2e7d32"];
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: chart.series.map(function (series, index) {
          return {label: series.label, data: series.data, backgroundColor: colours[index % colours.length]};
        })
      },
      options: {
        animation: false,
        responsive: true,
        scales: {y: {beginAtZero: true, title: {display: true, text: "1.000 kr."}}}
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
