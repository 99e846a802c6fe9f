/* Draws the dashboard's charts from the JSON the page carries (json_script): no build step,
   no inline script. Each bar or slice opens the list of the records behind it. */
(function () {
  "use strict";
  var source = document.getElementById("insight-charts");
  if (!source || typeof echarts === "undefined") return;
  var charts = JSON.parse(source.textContent);
  var emptyNode = document.getElementById("insight-empty-text");
  var emptyText = emptyNode ? JSON.parse(emptyNode.textContent) : "";
  var palette = ["#0b7a5a", "#3c5aa6", "#d98c1f", "#8a3ca6", "#1f9bd9", "#b00020", "#5a8a00", "#777777"];
  var drawn = [];

  // Tooltips are HTML: labels come from records people typed in, so they are escaped first.
  function escape(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function openUrl(params) {
    var url = params && params.data && params.data.url;
    if (url && url.charAt(0) === "/" && url.charAt(1) !== "/") window.location.href = url;
  }

  function barOption(chart) {
    var labels = chart.buckets.map(function (b) { return b.label; });
    var longest = labels.reduce(function (n, label) { return Math.max(n, label.length); }, 0);
    var timeline = /by-month|by-year/.test(chart.id);
    // Many or long names read better down the side than squeezed under the bars.
    var horizontal = !timeline && (chart.buckets.length > 6 || longest > 14);
    var data = chart.buckets.map(function (b) {
      return { value: b.value, url: b.url, display: b.display };
    });
    var categoryAxis = {
      type: "category",
      data: labels,
      axisLabel: horizontal ? { interval: 0, width: 140, overflow: "truncate" } : { hideOverlap: true }
    };
    var valueAxis = { type: "value" };
    return {
      color: palette,
      grid: { left: horizontal ? 150 : 50, right: 20, top: 20, bottom: 40, containLabel: false },
      tooltip: {
        trigger: "item",
        formatter: function (p) { return escape(p.name) + ": " + escape(p.data.display || p.value); }
      },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? Object.assign({}, categoryAxis, { inverse: true }) : valueAxis,
      series: [{ type: "bar", data: data, cursor: "pointer", itemStyle: { color: palette[0] } }]
    };
  }

  function pieOption(chart) {
    return {
      color: palette,
      tooltip: { trigger: "item", formatter: function (p) { return escape(p.name) + ": " + escape(p.data.display) + " (" + p.percent + "%)"; } },
      legend: { bottom: 0, type: "scroll" },
      series: [{
        type: "pie",
        radius: ["35%", "65%"],
        label: { show: false },
        cursor: "pointer",
        data: chart.buckets.map(function (b) {
          return { name: b.label, value: b.value, url: b.url, display: b.display };
        })
      }]
    };
  }

  function gaugeOption(chart) {
    return {
      series: [{
        type: "gauge",
        min: 0,
        max: 100,
        progress: { show: true, width: 14 },
        axisLine: { lineStyle: { width: 14 } },
        detail: { valueAnimation: false, formatter: "{value}%", fontSize: 24 },
        data: [{ value: chart.value === null ? 0 : chart.value, url: chart.url }]
      }]
    };
  }

  charts.forEach(function (chart) {
    var element = document.querySelector('[data-chart="' + chart.id + '"]');
    if (!element) return;
    var empty = chart.type === "gauge" ? chart.value === null : chart.buckets.every(function (b) { return !b.value; });
    if (empty) {
      element.classList.add("empty");
      element.style.height = "auto";
      element.textContent = emptyText;
      return;
    }
    var instance = echarts.init(element, null, { renderer: "canvas" });
    var option = chart.type === "pie" ? pieOption(chart) : chart.type === "gauge" ? gaugeOption(chart) : barOption(chart);
    option.animation = false;
    instance.setOption(option);
    instance.on("click", openUrl);
    drawn.push(instance);
  });

  window.addEventListener("resize", function () {
    drawn.forEach(function (instance) { instance.resize(); });
  });
})();
