/* The portfolio at a glance: bar charts from the json_script data next to each canvas.
   The investment need is drawn as an outline and granted as a filled bar, so the two series
   differ by shape as well as colour; the tables under the charts hold the numbers. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: data.needLabel,
            data: data.need,
            backgroundColor: "rgba(255, 255, 255, 0)",
            borderColor: "#1a1a1a",
            borderWidth: 2
          },
          {
            label: data.grantedLabel,
            data: data.granted,
            backgroundColor: "#0059b3",
            borderColor: "#003d7a",
            borderWidth: 1
          }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { title: { display: true, text: data.title }, legend: { position: "bottom" } },
        scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return v.toLocaleString("da-DK"); } } } }
      }
    });
  });
})();
