// Dossier pages: donut charts, conditional fields, the 查看 drawer. Pages work without it, less comfortably.
(function () {
  const COLORS = ["#1f5fa8", "#f0ad4e", "#28a745", "#6c757d", "#dc3545", "#9ec5fe"];

  function donuts() {
    const dataEl = document.getElementById("donut-data");
    if (!dataEl || !window.Chart) return;
    const labels = JSON.parse(document.getElementById("donut-labels").textContent);
    JSON.parse(dataEl.textContent).forEach((chart, i) => {
      const canvas = document.getElementById(`donut-${i}`);
      if (!canvas) return;
      // The first value is 全部 (the sum): shown in the centre, the ring shows the statuses.
      const total = chart.values[0];
      const parts = chart.values.slice(1);
      const empty = total === 0;
      new Chart(canvas, {
        type: "doughnut",
        data: {
          labels: empty ? ["暂无业绩"] : labels.slice(1),
          datasets: [{ data: empty ? [1] : parts, backgroundColor: empty ? ["#e9ecef"] : COLORS.slice(1), borderWidth: 1 }],
        },
        options: {
          cutout: "62%", animation: false, maintainAspectRatio: false,
          plugins: {
            legend: { position: "bottom", ...(empty ? { onClick: () => {} } : {}), labels: { boxWidth: 12, font: { size: 11 },
              generateLabels: () => labels.slice(1).map((l, j) => ({ text: `${l} ${parts[j]}`, fillStyle: COLORS[j + 1], strokeStyle: COLORS[j + 1], index: j })) } },
            tooltip: { enabled: !empty },
          },
        },
        plugins: [{ id: "centre", afterDraw(c) {
          const { ctx, chartArea: a } = c; ctx.save();
          ctx.font = "600 18px sans-serif"; ctx.fillStyle = "#1f5fa8"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
          ctx.fillText(String(total), (a.left + a.right) / 2, (a.top + a.bottom) / 2 - 6);
          ctx.font = "11px sans-serif"; ctx.fillStyle = "#6c757d";
          ctx.fillText(labels[0], (a.left + a.right) / 2, (a.top + a.bottom) / 2 + 12); ctx.restore();
        } }],
      });
      canvas.dataset.rendered = "1";
    });
  }

  // Conditional fields: a field with data-show-if="other" is shown only when its rule holds.
  function conditionals(root) {
    root.querySelectorAll("[data-show-if]").forEach((input) => {
      const form = input.form;
      const wrapper = input.closest(".zc-field") || input.closest(".mb-3");
      const control = form && form.elements[input.dataset.showIf];
      if (!control || !wrapper) return;
      const update = () => {
        const value = control.type === "checkbox" ? control.checked : control.value;
        let ok = true;
        if (input.dataset.showFilled !== undefined) ok = ok && (Boolean(value) === (input.dataset.showFilled === "true"));
        if (input.dataset.showEquals !== undefined) {
          const expected = input.dataset.showEquals;
          ok = ok && (typeof value === "boolean" ? String(value) === expected : value === expected);
        }
        if (input.dataset.showNotEquals !== undefined) ok = ok && value !== input.dataset.showNotEquals;
        if (input.dataset.showIn !== undefined) ok = ok && input.dataset.showIn.split("|").includes(value);
        wrapper.hidden = !ok;
      };
      control.addEventListener("change", update);
      update();
    });
  }

  // Locked fields: data-lock-if="other" makes a field read-only (and empty) while its rule holds (级别 of a
  // 公共卫生机构); the server clears it the same way.
  function locks(root) {
    root.querySelectorAll("[data-lock-if]").forEach((input) => {
      const control = input.form && input.form.elements[input.dataset.lockIf];
      if (!control) return;
      const update = () => {
        const locked = input.dataset.lockIn !== undefined
          ? input.dataset.lockIn.split("|").includes(control.value) : control.value === input.dataset.lockEquals;
        if (locked) input.value = "";
        input.disabled = locked;
      };
      control.addEventListener("change", update);
      update();
    });
  }

  // Title-name lists (现资格名称): data-titles holds series -> level -> names; the list offers those of the
  // fields named by data-titles-series and data-titles-level, and follows them as they change. A name that is
  // no longer offered is cleared (its 其他 text field hides with it); the server checks the same lists.
  function titles(root) {
    root.querySelectorAll("select[data-titles]").forEach((select) => {
      const form = select.form;
      const series = form && form.elements[select.dataset.titlesSeries];
      const level = form && form.elements[select.dataset.titlesLevel];
      if (!series || !level) return;
      const map = JSON.parse(select.dataset.titles);
      const update = (event) => {
        const names = (map[series.value] || {})[level.value] || [];
        const current = select.value;
        // On load a kept value outside the list stays selected, for the page's check to name.
        const stale = !event && current && !names.includes(current);
        select.replaceChildren(new Option("请选择", ""));
        if (stale) select.add(new Option(current, current));
        names.forEach((name) => select.add(new Option(name, name)));
        select.value = stale || names.includes(current) ? current : "";
        if (current && select.value !== current) select.dispatchEvent(new Event("change"));
      };
      series.addEventListener("change", update);
      level.addEventListener("change", update);
      update();
    });
  }

  // Attachment slots that apply only for some answers (非模板录入附件 when 是否模板录入 = 否).
  function slots(root) {
    root.querySelectorAll("[data-slot-show-if]").forEach((box) => {
      const form = box.closest("form");
      const control = form && form.elements[box.dataset.slotShowIf];
      if (!control) return;
      const update = () => {
        box.hidden = box.dataset.showIn !== undefined
          ? !box.dataset.showIn.split("|").includes(control.value) : control.value !== box.dataset.showEquals;
      };
      control.addEventListener("change", update);
      update();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    donuts();
    conditionals(document);
    locks(document);
    titles(document);
    slots(document);
    // 批量提交: "当前表格已选择 N 项 清空".
    const batch = document.getElementById("batch-submit-form");
    if (batch) {
      const boxes = () => document.querySelectorAll("input[data-batch-id]");
      const show = () => {
        const ids = [...boxes()].filter((b) => b.checked).map((b) => b.value);
        batch.querySelector("[data-selected]").textContent = ids.length;
        batch.querySelectorAll("input[name=ids]").forEach((i) => i.remove());
        ids.forEach((id) => { const i = document.createElement("input"); i.type = "hidden"; i.name = "ids"; i.value = id; batch.appendChild(i); });
      };
      document.addEventListener("change", (e) => {
        if (e.target.matches("[data-select-all]")) boxes().forEach((b) => { b.checked = e.target.checked; });
        if (e.target.matches("[data-select-all], input[data-batch-id]")) show();
      });
      batch.querySelector("[data-clear]").addEventListener("click", () => { boxes().forEach((b) => { b.checked = false; }); document.querySelectorAll("[data-select-all]").forEach((b) => { b.checked = false; }); show(); });
    }
    // The 查看 drawer: htmx loads the partial into the offcanvas body, then it opens.
    document.body.addEventListener("htmx:afterSwap", (e) => {
      if (e.detail.target.id === "drawer-body") {
        bootstrap.Offcanvas.getOrCreateInstance(document.getElementById("record-drawer")).show();
      }
    });
  });
})();
