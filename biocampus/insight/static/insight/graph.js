/* Draws the ecosystem graph from /insight/graph.json (same filters as the page). Large graphs come
   with positions computed by the server (layout "none"), small ones are laid out by force; labels
   show only for the best-connected nodes and on hover, so thousands of nodes stay usable. */
(function () {
  "use strict";
  var element = document.getElementById("ecosystem-graph");
  var note = document.getElementById("graph-note");
  if (!element || typeof echarts === "undefined") return;
  var failedNode = document.getElementById("graph-failed-text");
  var failedText = failedNode ? JSON.parse(failedNode.textContent) : "";
  var palette = ["#0b7a5a", "#b00020", "#d98c1f", "#3c5aa6", "#8a3ca6", "#e0607e", "#1f9bd9",
                 "#333333", "#5a8a00", "#00838f", "#795548", "#9e9e9e"];
  var edgeColours = { agreements: "#3c5aa6", residencies: "#0b7a5a", funding: "#d98c1f" };

  // Tooltips are HTML: names typed in by people are escaped before they go in.
  function escape(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function draw(data) {
    note.textContent = data.note;
    var large = data.layout === "none";
    var labelled = large ? 40 : data.nodes.length;  // nodes arrive best connected first
    // Thousands of nodes on one screen: smaller dots, so that the best connected stand out.
    var shrink = large ? Math.min(1, Math.sqrt(800 / data.nodes.length)) : 1;
    var nodes = data.nodes.map(function (n, i) {
      var node = {
        id: n.id, name: n.name, value: n.degree, category: n.category, symbolSize: Math.max(2, n.symbolSize * shrink),
        url: n.url, country: n.country, nameZh: n.name_zh, kindLabel: (data.categories[n.category] || {}).name || n.kind
      };
      if (large) { node.x = n.x; node.y = n.y; }
      if (i < labelled || n.center) node.label = { show: true };
      if (n.center) node.itemStyle = { borderColor: "#000", borderWidth: 3 };
      return node;
    });
    var links = data.links.map(function (l) {
      return { source: l.source, target: l.target, value: l.value, typeLabel: l.label,
               lineStyle: { color: edgeColours[l.type] || "#999" } };
    });
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      color: palette,
      animation: false,
      tooltip: {
        formatter: function (p) {
          if (p.dataType === "edge") return escape(p.data.typeLabel) + " × " + p.data.value;
          return escape(p.data.name) + (p.data.nameZh ? " · " + escape(p.data.nameZh) : "") + "<br>" + escape(p.data.kindLabel) + (p.data.country ? " · " + escape(p.data.country) : "") +
            "<br>" + p.data.value;
        }
      },
      legend: [{ data: data.categories.map(function (c) { return c.name; }), type: "scroll", top: 0 }],
      series: [{
        type: "graph",
        layout: large ? "none" : "force",
        force: { repulsion: 400, edgeLength: [80, 220], gravity: 0.05, layoutAnimation: false },
        data: nodes,
        links: links,
        categories: data.categories,
        roam: true,
        draggable: !large,
        progressive: 2000,
        progressiveThreshold: 3000,
        cursor: "pointer",
        label: { show: false, position: "right", fontSize: 11 },
        labelLayout: { hideOverlap: true },
        emphasis: { focus: "adjacency", label: { show: true } },
        lineStyle: { opacity: large ? 0.25 : 0.6, width: 1, curveness: 0.1 },
        scaleLimit: { min: 0.1, max: 20 }
      }]
    });
    chart.on("click", function (p) {
      if (p.dataType === "node" && p.data.url && p.data.url.charAt(0) === "/") window.location.href = p.data.url;
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  fetch(element.getAttribute("data-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(draw)
    .catch(function () { note.textContent = failedText; });
})();
