// 评审统计: the status counts as a bar chart (the table beside it holds the same numbers).
(function () {
  function draw() {
    const dataEl = document.getElementById("stats-data");
    const canvas = document.getElementById("stats-chart");
    if (!dataEl || !canvas || !window.Chart) return;
    const data = JSON.parse(dataEl.textContent);
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: [{ label: "人数", data: data.values, backgroundColor: "#1f5fa8" }] },
      options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } },
                 scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    canvas.dataset.rendered = "1";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
