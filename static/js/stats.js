// 评审统计: each canvas[data-chart] draws the series of the json_script element it names (the table beside it
// holds the same numbers).
(function () {
  const COLOURS = ["#1f5fa8", "#f0ad4e", "#28a745", "#dc3545"];
  function draw() {
    if (!window.Chart) return;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      const dataEl = document.getElementById(canvas.dataset.chart);
      if (!dataEl) return;
      const data = JSON.parse(dataEl.textContent);
      const horizontal = canvas.dataset.horizontal === "1";
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: data.series.map(function (s, i) {
            return { label: s.label, data: s.values, backgroundColor: COLOURS[i % COLOURS.length] };
          }),
        },
        options: {
          animation: false, maintainAspectRatio: false, indexAxis: horizontal ? "y" : "x",
          plugins: { legend: { display: data.series.length > 1 } },
          scales: horizontal ? { x: { beginAtZero: true } } : { y: { beginAtZero: true } },
        },
      });
      canvas.dataset.rendered = "1";
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
