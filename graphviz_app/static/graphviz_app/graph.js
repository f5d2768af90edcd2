/* Graph pages: draw the vis-network payload the server put in a json_script, then make it usable.
 *
 * Everything shown from the data goes through textContent or vis-network's canvas — never
 * innerHTML — so a term called "<img src=x onerror=…>" stays text. */
(function () {
  "use strict";

  function cssVar(element, name, fallback) {
    var value = getComputedStyle(element).getPropertyValue(name).trim();
    return value || fallback;
  }

  function showPanel(panel, container, node) {
    if (!panel) return;
    if (!node) { panel.hidden = true; return; }
    panel.querySelector(".graph-panel-name").textContent = node.label;
    var meta = [node.category, node.status === "published" ? "" : node.status].filter(Boolean);
    panel.querySelector(".graph-panel-meta").textContent = meta.join(" · ");
    panel.querySelector(".graph-panel-definition").textContent = node.definition || "No short definition yet.";
    panel.querySelector(".graph-panel-open").setAttribute("href", node.url);
    var explore = panel.querySelector(".graph-panel-explore");
    var template = container.dataset.neighbourhoodUrl;
    if (explore && template) {
      // Keep the reader's depth and filters when moving on to another term.
      var here = new URLSearchParams(window.location.search);
      var kept = new URLSearchParams();
      ["depth", "direction", "types", "layout", "limit"].forEach(function (name) {
        here.getAll(name).forEach(function (value) { kept.append(name, value); });
      });
      var query = kept.toString();
      explore.setAttribute("href", template.replace("__slug__", encodeURIComponent(node.id)) + (query ? "?" + query : ""));
    }
    panel.hidden = false;
  }

  function drawGraph(container) {
    var source = document.getElementById(container.dataset.graphData);
    var payload = JSON.parse(source.textContent);
    var options = payload.options;
    var text = cssVar(container, "--graph-text", "#1f2937");
    var halo = cssVar(container, "--graph-bg", "#ffffff");
    options.nodes.font.color = text;
    options.nodes.font.strokeColor = halo;
    options.edges.font.color = text;
    options.edges.font.strokeColor = halo;
    var nodes = new vis.DataSet(payload.nodes);
    var edges = new vis.DataSet(payload.edges);
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
    var panel = document.getElementById(container.dataset.panel);

    var ready = false;
    function markReady() {
      if (ready) return;
      ready = true;
      // Physics off once laid out: the graph stays still and cheap; dragging moves single nodes.
      network.setOptions({ physics: false });
      network.fit();
      if (payload.focus && nodes.get(payload.focus)) network.selectNodes([payload.focus]);
      container.dataset.state = "ready";
      if (window.performance && performance.mark) performance.mark("graph-ready:" + container.id);
      container.dispatchEvent(new CustomEvent("graph:ready", { bubbles: true }));
    }
    network.once("stabilizationIterationsDone", markReady);
    network.once("stabilized", markReady);
    if (payload.nodes.length === 0) markReady();

    network.on("click", function (params) {
      showPanel(panel, container, params.nodes.length ? nodes.get(params.nodes[0]) : null);
    });
    network.on("doubleClick", function (params) {
      if (!params.nodes.length) return;
      var node = nodes.get(params.nodes[0]);
      if (node && node.url) window.location.assign(node.url);
    });
    return { network: network, nodes: nodes, panel: panel, container: container };
  }

  function focusNode(graph, id) {
    graph.network.selectNodes([id]);
    graph.network.focus(id, { scale: 1.3, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    showPanel(graph.panel, graph.container, graph.nodes.get(id));
  }

  function wireSearch(input, graph) {
    function find(value) {
      var wanted = value.trim().toLowerCase();
      if (!wanted) return null;
      var exact = graph.nodes.get({ filter: function (n) { return n.label.toLowerCase() === wanted || n.id === wanted; } });
      if (exact.length) return exact[0];
      var partial = graph.nodes.get({ filter: function (n) { return n.label.toLowerCase().indexOf(wanted) !== -1; } });
      return partial.length ? partial[0] : null;
    }
    function go(event) {
      var node = find(input.value);
      input.setCustomValidity(node || !input.value ? "" : "No term by that name in this graph.");
      if (!node) { if (event && event.type === "keydown") input.reportValidity(); return; }
      focusNode(graph, node.id);
      // The URL names the focused term too, so a shared link opens on it.
      var url = new URL(window.location.href);
      url.searchParams.set("focus", node.id);
      window.history.replaceState(null, "", url);
    }
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); go(event); }
    });
    input.addEventListener("change", go);
  }

  function wireAutocomplete(input) {
    // Suggestions from the term autocomplete API; without it the field still accepts names and slugs.
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) return;
      timer = setTimeout(function () {
        fetch("/api/terms/autocomplete/?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (data) {
            var items = Array.isArray(data) ? data : (data.results || data.suggestions || []);
            list.replaceChildren();
            items.forEach(function (item) {
              var option = document.createElement("option");
              option.value = typeof item === "string" ? item : (item.term_name || item.name || item.slug || "");
              if (item && item.name && item.term_name && item.name !== item.term_name) option.label = item.name;
              if (option.value) list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a convenience; typing a name still works */ });
      }, 150);
    });
  }

  function autosubmit(form) {
    form.addEventListener("change", function (event) {
      if (event.target.classList.contains("js-graph-search")) return;
      if (event.target.name === "limit" && !event.target.checkValidity()) return;
      form.requestSubmit();
    });
  }

  // Embedded fragments may load this script more than once: wire each element only once.
  function once(selector, wire) {
    document.querySelectorAll(selector).forEach(function (element) {
      if (element.dataset.wired) return;
      element.dataset.wired = "1";
      wire(element);
    });
  }

  once(".js-autosubmit", autosubmit);
  once(".js-term-autocomplete", wireAutocomplete);
  once(".js-graph", function (container) {
    var graph = drawGraph(container);
    if (container.id === "graph" || !window.graphNetwork) window.graphNetwork = graph.network;
    document.querySelectorAll('.js-graph-search[data-graph="' + container.id + '"]').forEach(function (input) {
      wireSearch(input, graph);
    });
    var focus = new URLSearchParams(window.location.search).get("focus");
    if (container.id === "graph" && focus) {
      container.addEventListener("graph:ready", function () {
        if (graph.nodes.get(focus)) focusNode(graph, focus);
      });
    }
  });
})();
