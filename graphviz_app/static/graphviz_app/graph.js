/* Graph pages: draw the vis-network payload the server put in a json_script, then make it usable.
 *
 * Everything shown from the data goes through textContent, DOM nodes or the canvas — never
 * innerHTML — so a term called "<img src=x onerror=…>" stays text. Names are drawn by this file,
 * not by vis-network: at a readable size whatever the zoom, the most important first (the focus
 * and its neighbours, then the best connected terms), and a name that would overlap one already
 * drawn waits until zooming in makes room for it.
 *
 * On the explorer and neighbourhood pages the view is the reader's to change — expand a term in
 * place, hide one, pin one where it was dropped — and the URL follows, so a link shows the same
 * view. Expanding asks the page's own URL for its data (?format=json) with one more `expand`.
 */
(function () {
  "use strict";

  var LABEL_MIN_PX = 12;
  var LABEL_MAX_PX = 18;
  var LABEL_LINE_CHARS = 22;
  var LABEL_GAP_PX = 3;
  var FADED_OPACITY = 0.28;
  var FOCUS_SCALE = 1.1;
  var EXPAND_RING = 150;
  var MAX_STRETCH = 1.8;
  var STATE_PARAMS = ["expand", "hide", "pin", "focus"];
  var SVG_NS = "http://www.w3.org/2000/svg";
  // A language the reader chose (?lang=) stays chosen in the links this file makes (lang.js).
  var withLang = window.glossaryKeepLanguage;

  function cssVar(element, name, fallback) {
    var value = getComputedStyle(element).getPropertyValue(name).trim();
    return value || fallback;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function byName(a, b) {
    return a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0;
  }

  /* Names wrap on spaces into at most two lines; a longer name ends with an ellipsis. */
  function labelLines(name) {
    if (name.length <= LABEL_LINE_CHARS) return [name];
    var words = name.split(/\s+/);
    var lines = [""];
    words.forEach(function (word) {
      var line = lines[lines.length - 1];
      if (line && (line + " " + word).length > LABEL_LINE_CHARS) lines.push(word);
      else lines[lines.length - 1] = line ? line + " " + word : word;
    });
    if (lines.length > 2) lines = [lines[0], lines.slice(1).join(" ")];
    return lines.map(function (line) {
      return line.length > LABEL_LINE_CHARS + 4 ? line.slice(0, LABEL_LINE_CHARS + 2) + "…" : line;
    });
  }

  /* The world font size of a term's name: hubs a little larger, so they read first. */
  function labelWorldSize(node) {
    var degree = node.degree || 0;
    return degree >= 12 ? 14 : degree >= 5 ? 13 : 12;
  }

  function overlaps(a, b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  }

  function Graph(container) {
    this.container = container;
    this.id = container.id;
    this.payload = JSON.parse(document.getElementById(container.dataset.graphData).textContent);
    this.stateful = container.dataset.stateful === "1";
    this.panel = document.getElementById(container.dataset.panel);
    this.legend = document.getElementById(container.dataset.legend);
    this.textView = document.getElementById(container.dataset.text);
    this.status = document.getElementById(container.dataset.status);
    this.emphasis = null; // the focused term and its neighbours: always named, the rest faded
    this.selected = null;
    this.drawnLabels = [];
    this.widths = {};
    this.legendData = { categories: [], types: [] };
    this.state = this.readState();
    this.draw();
  }

  Graph.prototype.readState = function () {
    var query = new URLSearchParams(window.location.search);
    var pins = {};
    query.getAll("pin").forEach(function (value) {
      value.split(";").forEach(function (item) {
        var match = /^([-a-zA-Z0-9_]+)@(-?\d+),(-?\d+)$/.exec(item);
        if (match) pins[match[1]] = [Number(match[2]), Number(match[3])];
      });
    });
    function list(name) {
      var values = [];
      query.getAll(name).forEach(function (v) { v.split(",").forEach(function (s) { if (s && values.indexOf(s) < 0) values.push(s); }); });
      return values;
    }
    return { expand: list("expand"), hide: list("hide"), pins: pins, focus: query.get("focus") };
  };

  Graph.prototype.draw = function () {
    var self = this;
    var payload = this.payload;
    var options = payload.options;
    this.colors = {
      text: cssVar(this.container, "--graph-text", "#1f2937"),
      muted: cssVar(this.container, "--graph-muted", "#64748b"),
      halo: cssVar(this.container, "--graph-bg", "#ffffff"),
      accent: cssVar(this.container, "--graph-accent", "#2563eb"),
    };
    options.edges.font.color = this.colors.text;
    options.edges.font.strokeColor = this.colors.halo;
    payload.nodes.forEach(function (node) {
      node.baseOpacity = node.opacity === undefined ? 1 : node.opacity;
      if (self.state.pins[node.id]) {
        node.x = self.state.pins[node.id][0];
        node.y = self.state.pins[node.id][1];
        node.pinned = true;
      }
    });
    payload.edges.forEach(function (edge) { edge.baseColor = edge.color; });
    this.nodes = new vis.DataSet(payload.nodes);
    this.edges = new vis.DataSet(payload.edges);
    this.network = new vis.Network(this.container, { nodes: this.nodes, edges: this.edges }, options);
    this.mergeLegend(payload.legend);

    var ready = false;
    function markReady() {
      if (ready) return;
      ready = true;
      // Physics off once laid out: the graph stays still and cheap; dragging moves single nodes.
      self.network.setOptions({ physics: false });
      var unfix = self.nodes.get({ filter: function (n) { return n.fixed; } }).map(function (n) { return { id: n.id, fixed: false }; });
      if (unfix.length) self.nodes.update(unfix);
      else if (options.physics.enabled !== false) self.stretchToCanvas();
      self.fitView();
      if (payload.focus && self.nodes.get(payload.focus)) self.setEmphasis(payload.focus);
      self.container.dataset.state = "ready";
      if (window.performance && performance.mark) performance.mark("graph-ready:" + self.id);
      self.container.dispatchEvent(new CustomEvent("graph:ready", { bubbles: true }));
    }
    if (options.physics.enabled === false || payload.nodes.length === 0) {
      this.network.once("afterDrawing", markReady);
    } else {
      this.network.once("stabilizationIterationsDone", markReady);
      this.network.once("stabilized", markReady);
    }

    this.network.on("afterDrawing", function (ctx) { self.drawLabels(ctx); });
    this.network.on("click", function (params) {
      var id = params.nodes.length ? params.nodes[0] : self.labelAt(params.pointer.DOM);
      if (id !== null && id !== undefined) self.select(id);
      else if (!params.edges.length) self.select(null);
    });
    this.network.on("doubleClick", function (params) {
      var id = params.nodes.length ? params.nodes[0] : self.labelAt(params.pointer.DOM);
      var node = id !== null && id !== undefined ? self.nodes.get(id) : null;
      if (node && node.url) window.location.assign(withLang(node.url));
    });
    if (this.stateful) {
      this.network.on("dragEnd", function (params) {
        if (!params.nodes.length) return;
        var positions = self.network.getPositions(params.nodes);
        params.nodes.forEach(function (id) {
          self.state.pins[id] = [Math.round(positions[id].x), Math.round(positions[id].y)];
          self.nodes.update({ id: id, pinned: true });
        });
        self.saveState();
        if (self.selected !== null) self.showPanel(self.selected);
      });
    }
    // Names are ordered once per change of the view, not once per frame.
    this.nodes.on("*", function () {
      self.order = null;
      self.scheduleTextView();
    });
    if (this.textView) {
      // The list is built when first opened, then kept up to date; only its count before that.
      this.textView.addEventListener("toggle", function () { if (self.textView.open) self.renderTextView(); });
    }
  };

  /* A force layout comes out about as tall as it is wide, a canvas seldom is. Spreading the nodes
   * to the canvas's shape gives their names room (pinned or fixed nodes are left as set). */
  Graph.prototype.stretchToCanvas = function () {
    var ids = this.nodes.getIds();
    if (ids.length < 3) return;
    var positions = this.network.getPositions(ids);
    var xs = ids.map(function (id) { return positions[id].x; });
    var ys = ids.map(function (id) { return positions[id].y; });
    var box = { x0: Math.min.apply(null, xs), x1: Math.max.apply(null, xs), y0: Math.min.apply(null, ys), y1: Math.max.apply(null, ys) };
    var width = box.x1 - box.x0;
    var height = box.y1 - box.y0;
    if (!width || !height) return;
    var ratio = (this.container.clientWidth / this.container.clientHeight) / (width / height);
    var fx = Math.min(MAX_STRETCH, Math.max(1, ratio));
    var fy = Math.min(MAX_STRETCH, Math.max(1, 1 / ratio));
    if (fx <= 1.05 && fy <= 1.05) return;
    var cx = (box.x0 + box.x1) / 2;
    var cy = (box.y0 + box.y1) / 2;
    this.nodes.update(ids.map(function (id) {
      return { id: id, x: Math.round(cx + (positions[id].x - cx) * fx), y: Math.round(cy + (positions[id].y - cy) * fy) };
    }));
  };

  /* The whole graph in view, clear of the legend strip and with room for the names at the edges. */
  Graph.prototype.fitView = function () {
    var network = this.network;
    network.fit({ animation: false });
    var height = this.container.clientHeight;
    var reserve = 0;
    if (this.legend && this.legend.open && getComputedStyle(this.legend).position === "absolute") {
      reserve = this.legend.offsetHeight + 12;
    }
    var scale = network.getScale() * Math.min(0.9, (height - reserve - 24) / height);
    var centre = network.getViewPosition();
    network.moveTo({ scale: scale, position: { x: centre.x, y: centre.y + reserve / 2 / scale } });
  };

  /* ---------------------------------------------------------------- names on the canvas */

  Graph.prototype.labelOrder = function () {
    if (this.order) return this.order;
    var self = this;
    var emphasis = this.emphasis;
    var all = this.nodes.get();
    function rank(node) {
      if (node.id === self.selected) return 0;
      if (emphasis && node.id === emphasis.focus) return 1;
      if (emphasis && emphasis.members[node.id]) return 2;
      if (node.pinned) return 3;
      return 4;
    }
    all.sort(function (a, b) {
      return rank(a) - rank(b) || (b.degree || 0) - (a.degree || 0) || byName(a, b);
    });
    this.order = all;
    return all;
  };

  Graph.prototype.drawLabels = function (ctx) {
    var network = this.network;
    var scale = network.getScale();
    var ratio = ctx.getTransform().a / scale;
    var width = this.container.clientWidth;
    var height = this.container.clientHeight;
    var order = this.labelOrder();
    var positions = network.getPositions();
    var placed = [];
    var drawn = [];
    var self = this;
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    order.forEach(function (node) {
      var position = positions[node.id];
      if (!position) return;
      var always = node.id === self.selected || (self.emphasis && self.emphasis.members[node.id]);
      var px = Math.max(LABEL_MIN_PX, Math.min(LABEL_MAX_PX, labelWorldSize(node) * scale));
      var lines = labelLines(node.name);
      var font = (always ? "600 " : "") + px + "px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
      ctx.font = font;
      var w = 0;
      lines.forEach(function (line) {
        var key = font + "|" + line;
        if (!(key in self.widths)) self.widths[key] = ctx.measureText(line).width;
        w = Math.max(w, self.widths[key]);
      });
      var lineHeight = Math.round(px * 1.2);
      var h = lineHeight * lines.length;
      var point = network.canvasToDOM(position);
      var radius = (node.size || 10) * scale;
      var gap = radius + LABEL_GAP_PX;
      // Below the node first, then above, right and left; a name that fits nowhere waits for a
      // closer zoom — but the selected term's name is always drawn.
      var candidates = [
        { x: point.x - w / 2 - 2, y: point.y + gap },
        { x: point.x - w / 2 - 2, y: point.y - gap - h },
        { x: point.x + gap, y: point.y - h / 2 },
        { x: point.x - gap - w - 4, y: point.y - h / 2 },
      ].map(function (c) { return { x: c.x, y: c.y, w: w + 4, h: h }; });
      var inside = function (r) { return r.x >= 0 && r.x + r.w <= width && r.y >= 0 && r.y + r.h <= height; };
      var free = function (r) { return inside(r) && !placed.some(function (p) { return overlaps(p, r); }); };
      var box = candidates.filter(free)[0] || (node.id === self.selected ? candidates[0] : null);
      if (!box) return;
      placed.push(box);
      var centre = box.x + box.w / 2;
      var faded = self.emphasis && !self.emphasis.members[node.id];
      ctx.globalAlpha = faded ? 0.55 : 1;
      ctx.lineWidth = 3;
      ctx.strokeStyle = self.colors.halo;
      ctx.fillStyle = faded ? self.colors.muted : self.colors.text;
      lines.forEach(function (line, i) {
        ctx.strokeText(line, centre, box.y + i * lineHeight);
        ctx.fillText(line, centre, box.y + i * lineHeight);
      });
      if (node.pinned) {
        ctx.globalAlpha = 1;
        ctx.fillStyle = self.colors.accent;
        ctx.strokeStyle = self.colors.halo;
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.arc(point.x + radius * 0.75, point.y - radius * 0.75, 4, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      }
      drawn.push({ id: node.id, px: px, x: centre, y: box.y, w: w, h: h, lines: lines, weight: always ? 600 : 400, faded: !!faded });
    });
    ctx.restore();
    this.drawnLabels = drawn;
  };

  /* The term whose drawn name is under a point of the canvas, so names are clickable too. */
  Graph.prototype.labelAt = function (point) {
    for (var i = 0; i < this.drawnLabels.length; i++) {
      var label = this.drawnLabels[i];
      if (point.x >= label.x - label.w / 2 && point.x <= label.x + label.w / 2 && point.y >= label.y && point.y <= label.y + label.h) {
        return label.id;
      }
    }
    return null;
  };

  /* ---------------------------------------------------------------- focus and selection */

  Graph.prototype.setEmphasis = function (id) {
    if (id === null || !this.nodes.get(id)) {
      this.emphasis = null;
    } else {
      var members = {};
      members[id] = true;
      this.network.getConnectedNodes(id).forEach(function (n) { members[n] = true; });
      this.emphasis = { focus: id, members: members };
    }
    var emphasis = this.emphasis;
    this.nodes.update(this.nodes.get().map(function (node) {
      return { id: node.id, opacity: emphasis && !emphasis.members[node.id] ? FADED_OPACITY : node.baseOpacity };
    }));
    this.edges.update(this.edges.get().map(function (edge) {
      var touches = emphasis && (edge.from === emphasis.focus || edge.to === emphasis.focus);
      var color = Object.assign({}, edge.baseColor);
      if (emphasis && !touches) color.opacity = 0.12;
      return { id: edge.id, color: color };
    }));
    this.network.redraw();
  };

  Graph.prototype.select = function (id) {
    this.selected = id;
    this.order = null;
    if (id === null) {
      this.network.unselectAll();
      this.setEmphasis(this.payload.focus || null);
      this.showPanel(null);
    } else {
      this.network.selectNodes([id]);
      this.setEmphasis(id);
      this.showPanel(id);
    }
    if (this.stateful) {
      this.state.focus = id;
      this.saveState();
    }
  };

  /* Select a term and bring it to the middle of the canvas, at a size where names read. */
  Graph.prototype.focusNode = function (id) {
    this.select(id);
    this.container.scrollIntoView({ block: "nearest" });
    // The middle of what the card over the canvas's right side leaves free.
    var panel = this.panel;
    var covered = panel && !panel.hidden && getComputedStyle(panel).position === "absolute" ? panel.offsetWidth + 12 : 0;
    this.network.focus(id, {
      scale: Math.max(this.network.getScale(), FOCUS_SCALE),
      offset: { x: -covered / 2, y: 0 },
      animation: { duration: 400, easingFunction: "easeInOutQuad" },
    });
  };

  /* ---------------------------------------------------------------- the selected term's panel */

  Graph.prototype.showPanel = function (id) {
    var panel = this.panel;
    if (!panel) return;
    var node = id === null ? null : this.nodes.get(id);
    if (!node) { panel.hidden = true; return; }
    panel.querySelector(".graph-panel-name").textContent = node.name;
    // The category's name (maybe in another script) is isolated: its direction is its own.
    var meta = [node.status === "published" ? "" : node.status].filter(Boolean);
    meta.push(node.degree + " relation" + (node.degree === 1 ? "" : "s"));
    var metaLine = panel.querySelector(".graph-panel-meta");
    metaLine.replaceChildren();
    if (node.category) {
      metaLine.appendChild(el("bdi", "graph-panel-category", node.category));
      metaLine.appendChild(document.createTextNode(" · "));
    }
    metaLine.appendChild(document.createTextNode(meta.join(" · ")));
    panel.querySelector(".graph-panel-definition").textContent = node.definition || "No short definition yet.";
    panel.querySelector(".graph-panel-open").setAttribute("href", withLang(node.url));
    var template = this.container.dataset.neighbourhoodUrl;
    var explore = panel.querySelector(".graph-panel-explore");
    if (explore && template) {
      // Keep the reader's depth and filters when moving on to another term.
      var here = new URLSearchParams(window.location.search);
      var kept = new URLSearchParams();
      ["depth", "direction", "types", "layout", "limit", "lang"].forEach(function (name) {
        here.getAll(name).forEach(function (value) { kept.append(name, value); });
      });
      var query = kept.toString();
      explore.setAttribute("href", template.replace("__slug__", encodeURIComponent(node.id)) + (query ? "?" + query : ""));
    }
    var learn = panel.querySelector(".graph-panel-learn");
    if (learn && this.container.dataset.learnUrl) {
      learn.setAttribute("href", withLang(this.container.dataset.learnUrl.replace("__slug__", encodeURIComponent(node.id))));
    }
    var pin = panel.querySelector('[data-node-action="pin"]');
    if (pin) pin.textContent = node.pinned ? "Unpin" : "Pin here";
    var hide = panel.querySelector('[data-node-action="hide"]');
    if (hide) hide.disabled = node.id === this.payload.focus;
    panel.hidden = false;
  };

  Graph.prototype.wirePanel = function () {
    var self = this;
    var panel = this.panel;
    if (!panel) return;
    panel.addEventListener("click", function (event) {
      var button = event.target.closest("[data-node-action]");
      if (!button || self.selected === null) return;
      var action = button.dataset.nodeAction;
      if (action === "close") self.select(null);
      else if (action === "expand") self.expand(self.selected);
      else if (action === "hide") self.hide(self.selected);
      else if (action === "pin") self.togglePin(self.selected);
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        self.select(null);
        self.container.focus();
      }
    });
  };

  /* ---------------------------------------------------------------- changing the view */

  Graph.prototype.say = function (text, extra) {
    if (!this.status) return;
    this.status.replaceChildren(document.createTextNode(text));
    if (extra) this.status.appendChild(extra);
    this.status.hidden = false;
  };

  Graph.prototype.saveState = function () {
    if (!this.stateful) return;
    var url = new URL(window.location.href);
    STATE_PARAMS.forEach(function (name) { url.searchParams.delete(name); });
    var state = this.state;
    if (state.expand.length) url.searchParams.set("expand", state.expand.join(","));
    if (state.hide.length) url.searchParams.set("hide", state.hide.join(","));
    Object.keys(state.pins).sort().forEach(function (id) {
      url.searchParams.append("pin", id + "@" + state.pins[id][0] + "," + state.pins[id][1]);
    });
    if (state.focus) url.searchParams.set("focus", state.focus);
    window.history.replaceState(null, "", url);
    // The filter form carries the same state, so changing a filter keeps what the reader did.
    var form = document.querySelector('form[data-graph-form="' + this.id + '"]');
    if (form) {
      form.querySelectorAll("input[data-state-param]").forEach(function (input) { input.remove(); });
      ["expand", "hide", "pin"].forEach(function (name) {
        url.searchParams.getAll(name).forEach(function (value) {
          var input = el("input");
          input.type = "hidden";
          input.name = name;
          input.value = value;
          input.dataset.stateParam = "1";
          form.appendChild(input);
        });
      });
    }
  };

  /* The view's data with one more expanded term, from the server (same filters, same rules). */
  Graph.prototype.expand = function (id) {
    var self = this;
    if (this.state.expand.indexOf(id) < 0) this.state.expand.push(id);
    this.state.hide = this.state.hide.filter(function (h) { return h !== id; });
    var url = new URL(this.container.dataset.viewUrl, window.location.href);
    new URLSearchParams(window.location.search).forEach(function (value, name) {
      if (STATE_PARAMS.indexOf(name) < 0) url.searchParams.append(name, value);
    });
    url.searchParams.set("expand", this.state.expand.join(","));
    if (this.state.hide.length) url.searchParams.set("hide", this.state.hide.join(","));
    url.searchParams.set("format", "json");
    return fetch(url.toString(), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("The server could not expand this term (" + response.status + ").");
        return response.json();
      })
      .then(function (data) {
        var added = self.merge(data.payload, id);
        var name = self.nodes.get(id).name;
        self.say(added ? "Added " + added + " term" + (added === 1 ? "" : "s") + " around " + name + "." : "Every neighbour of " + name + " is already shown.");
        self.saveState();
        self.focusNode(id);
      })
      .catch(function (error) { self.say(error.message); });
  };

  /* Add what a fresh payload has that the canvas lacks, around the term that was expanded. */
  Graph.prototype.merge = function (payload, around) {
    var self = this;
    var fresh = payload.nodes.filter(function (node) { return !self.nodes.get(node.id); });
    var centre = this.nodes.get(around) ? this.network.getPositions([around])[around] : { x: 0, y: 0 };
    var radius = EXPAND_RING + 12 * fresh.length;
    fresh.forEach(function (node, i) {
      var angle = (2 * Math.PI * i) / Math.max(fresh.length, 1) - Math.PI / 2;
      node.x = Math.round(centre.x + radius * Math.cos(angle));
      node.y = Math.round(centre.y + radius * Math.sin(angle));
      node.fixed = false;
      node.baseOpacity = 1;
      node.opacity = 1;
    });
    this.nodes.add(fresh);
    var edges = payload.edges.filter(function (edge) { return !self.edges.get(edge.id); });
    edges.forEach(function (edge) { edge.baseColor = edge.color; });
    this.edges.add(edges);
    this.mergeLegend(payload.legend);
    return fresh.length;
  };

  Graph.prototype.hide = function (id) {
    var node = this.nodes.get(id);
    if (!node || id === this.payload.focus) return;
    this.edges.remove(this.network.getConnectedEdges(id));
    this.nodes.remove(id);
    if (this.state.hide.indexOf(id) < 0) this.state.hide.push(id);
    this.state.expand = this.state.expand.filter(function (e) { return e !== id; });
    delete this.state.pins[id];
    this.select(null);
    this.say("Hid " + node.name + ".");
  };

  Graph.prototype.togglePin = function (id) {
    var node = this.nodes.get(id);
    if (node.pinned) {
      delete this.state.pins[id];
      this.nodes.update({ id: id, pinned: false });
    } else {
      var position = this.network.getPositions([id])[id];
      this.state.pins[id] = [Math.round(position.x), Math.round(position.y)];
      this.nodes.update({ id: id, pinned: true });
    }
    this.saveState();
    this.showPanel(id);
    this.network.redraw();
  };

  /* ---------------------------------------------------------------- legend and text view */

  Graph.prototype.mergeLegend = function (legend) {
    var known = this.legendData;
    function add(list, items, key) {
      items.forEach(function (item) {
        if (!list.some(function (old) { return old[key] === item[key]; })) list.push(item);
      });
      list.sort(function (a, b) { return a[key].toLowerCase() < b[key].toLowerCase() ? -1 : 1; });
    }
    add(known.categories, legend.categories, "name");
    add(known.types, legend.types, "label");
    if (!this.legend) return;
    var body = this.legend.querySelector(".graph-legend-body");
    body.replaceChildren();
    function section(title, items, swatchClass, text) {
      if (!items.length) return;
      body.appendChild(el("h3", "", title));
      var list = el("ul");
      items.forEach(function (item) {
        var li = el("li");
        var swatch = el("span", "swatch " + swatchClass + (item.symmetric ? " swatch-symmetric" : ""));
        swatch.style.setProperty("--swatch", item.color);
        li.appendChild(swatch);
        li.appendChild(el("bdi", "", text(item)));
        list.appendChild(li);
      });
      body.appendChild(list);
    }
    section("Categories", known.categories, "swatch-node", function (c) { return c.name; });
    section("Relations", known.types, "swatch-edge", function (t) { return t.label; });
  };

  Graph.prototype.scheduleTextView = function () {
    var self = this;
    if (this.textTimer) return;
    this.textTimer = setTimeout(function () {
      self.textTimer = null;
      self.renderTextView();
    }, 50);
  };

  /* The canvas as a list: every term shown, each with the relations it starts. */
  Graph.prototype.renderTextView = function () {
    var view = this.textView;
    if (!view) return;
    var self = this;
    var nodes = this.nodes.get();
    var edges = this.edges.get();
    view.querySelector(".graph-text-count").textContent =
      nodes.length + " term" + (nodes.length === 1 ? "" : "s") + ", " + edges.length + " relation" + (edges.length === 1 ? "" : "s");
    if (!view.open) return;
    var names = {};
    nodes.forEach(function (node) { names[node.id] = node.name; });
    var outgoing = {};
    edges.forEach(function (edge) {
      (outgoing[edge.from] = outgoing[edge.from] || []).push(edge);
    });
    var list = el("ul", "graph-text-list");
    nodes.sort(byName).forEach(function (node) {
      var item = el("li");
      var button = el("button", "graph-text-node", node.name);
      button.type = "button";
      button.dataset.node = node.id;
      item.appendChild(button);
      var link = el("a", "graph-text-open", "page");
      link.href = withLang(node.url);
      link.setAttribute("aria-label", "Open the page of " + node.name);
      item.appendChild(document.createTextNode(" ("));
      item.appendChild(link);
      item.appendChild(document.createTextNode(")"));
      var relations = (outgoing[node.id] || []).map(function (edge) {
        return (edge.typeLabel || edge.type) + " " + (names[edge.to] || edge.to);
      });
      if (relations.length) item.appendChild(el("span", "graph-text-relations", ": " + relations.join("; ")));
      list.appendChild(item);
    });
    var old = view.querySelector(".graph-text-list");
    old.replaceWith(list);
    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-node]");
      if (button) self.focusNode(button.dataset.node);
    });
  };

  /* ---------------------------------------------------------------- pictures */

  Graph.prototype.legendRows = function (width, ctx) {
    // Lay the legend out in rows of [swatch, text] items, as both pictures draw it.
    var items = [];
    this.legendData.categories.forEach(function (c) { items.push({ kind: "node", color: c.color, text: c.name }); });
    this.legendData.types.forEach(function (t) { items.push({ kind: "edge", color: t.color, text: t.label, dashed: t.symmetric }); });
    var rows = [[]];
    var x = 16;
    ctx.font = "13px system-ui, sans-serif";
    items.forEach(function (item) {
      item.w = 26 + ctx.measureText(item.text).width + 18;
      if (x + item.w > width - 16 && rows[rows.length - 1].length) {
        rows.push([]);
        x = 16;
      }
      item.x = x;
      rows[rows.length - 1].push(item);
      x += item.w;
    });
    return rows;
  };

  Graph.prototype.pictureName = function (extension) {
    var title = (document.title.split(" — ")[0] || "graph").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    return "glossary-graph-" + (title || "view") + "." + extension;
  };

  function download(blob, name) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }

  Graph.prototype.downloadPng = function () {
    var source = this.container.querySelector("canvas");
    var width = this.container.clientWidth;
    var height = this.container.clientHeight;
    var ratio = source.width / width;
    var measure = document.createElement("canvas").getContext("2d");
    var rows = this.legendRows(width, measure);
    var legendHeight = rows.length * 24 + 20;
    var out = document.createElement("canvas");
    out.width = source.width;
    out.height = Math.round((height + legendHeight) * ratio);
    var ctx = out.getContext("2d");
    ctx.fillStyle = this.colors.halo;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(source, 0, 0);
    ctx.scale(ratio, ratio);
    ctx.strokeStyle = this.colors.muted;
    ctx.globalAlpha = 0.4;
    ctx.beginPath();
    ctx.moveTo(0, height + 0.5);
    ctx.lineTo(width, height + 0.5);
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.font = "13px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    var self = this;
    rows.forEach(function (row, r) {
      var y = height + 22 + r * 24;
      row.forEach(function (item) {
        ctx.fillStyle = item.color;
        ctx.strokeStyle = item.color;
        if (item.kind === "node") {
          ctx.beginPath();
          ctx.arc(item.x + 8, y, 6, 0, 2 * Math.PI);
          ctx.fill();
        } else {
          ctx.lineWidth = 3;
          ctx.setLineDash(item.dashed ? [5, 3] : []);
          ctx.beginPath();
          ctx.moveTo(item.x, y);
          ctx.lineTo(item.x + 18, y);
          ctx.stroke();
          ctx.setLineDash([]);
        }
        ctx.fillStyle = self.colors.text;
        ctx.fillText(item.text, item.x + 26, y);
      });
    });
    var name = this.pictureName("png");
    out.toBlob(function (blob) { download(blob, name); }, "image/png");
  };

  Graph.prototype.svgPicture = function () {
    var network = this.network;
    var scale = network.getScale();
    var width = this.container.clientWidth;
    var height = this.container.clientHeight;
    var measure = document.createElement("canvas").getContext("2d");
    var rows = this.legendRows(width, measure);
    var total = height + rows.length * 24 + 20;
    function node(tag, attributes, text) {
      var element = document.createElementNS(SVG_NS, tag);
      Object.keys(attributes).forEach(function (name) { element.setAttribute(name, attributes[name]); });
      if (text !== undefined) element.textContent = text;
      return element;
    }
    var svg = node("svg", { xmlns: SVG_NS, width: width, height: total, viewBox: "0 0 " + width + " " + total,
                            "font-family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" });
    svg.appendChild(node("title", {}, document.title));
    svg.appendChild(node("rect", { width: width, height: total, fill: this.colors.halo }));
    var defs = node("defs", {});
    svg.appendChild(defs);
    var markers = {};
    function marker(color) {
      if (!markers[color]) {
        var id = "arrow-" + Object.keys(markers).length;
        var m = node("marker", { id: id, viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" });
        m.appendChild(node("path", { d: "M0,0 L10,5 L0,10 z", fill: color }));
        defs.appendChild(m);
        markers[color] = id;
      }
      return markers[color];
    }
    var clip = node("clipPath", { id: "canvas-area" });
    clip.appendChild(node("rect", { width: width, height: height }));
    defs.appendChild(clip);
    var drawing = node("g", { "clip-path": "url(#canvas-area)" });
    svg.appendChild(drawing);
    var positions = network.getPositions();
    var nodes = {};
    this.nodes.get().forEach(function (n) { nodes[n.id] = n; });
    var edgeGroup = node("g", { class: "edges", "stroke-width": "1.5" });
    this.edges.get().forEach(function (edge) {
      var a = positions[edge.from], b = positions[edge.to];
      if (!a || !b) return;
      var p = network.canvasToDOM(a), q = network.canvasToDOM(b);
      var dx = q.x - p.x, dy = q.y - p.y, length = Math.sqrt(dx * dx + dy * dy) || 1;
      var end = ((nodes[edge.to].size || 10) + 2) * scale;
      var start = ((nodes[edge.from].size || 10) + 2) * scale;
      var color = (edge.color && edge.color.color) || "#94a3b8";
      var line = node("line", {
        x1: (p.x + dx * start / length).toFixed(1), y1: (p.y + dy * start / length).toFixed(1),
        x2: (q.x - dx * end / length).toFixed(1), y2: (q.y - dy * end / length).toFixed(1),
        stroke: color, "stroke-opacity": edge.color && edge.color.opacity !== undefined ? edge.color.opacity : 0.9,
      });
      if (edge.dashes) line.setAttribute("stroke-dasharray", "5 4");
      if (edge.arrows === "to") line.setAttribute("marker-end", "url(#" + marker(color) + ")");
      line.appendChild(node("title", {}, edge.title || ""));
      edgeGroup.appendChild(line);
    });
    drawing.appendChild(edgeGroup);
    var nodeGroup = node("g", { class: "nodes" });
    Object.keys(nodes).forEach(function (id) {
      var n = nodes[id];
      if (!positions[id]) return;
      var p = network.canvasToDOM(positions[id]);
      var fill = (n.color && n.color.background) || n.categoryColor || "#94a3b8";
      var circle = node("circle", { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: ((n.size || 10) * scale).toFixed(1),
                                    fill: fill, stroke: fill, "stroke-width": "2", opacity: n.opacity === undefined ? 1 : n.opacity });
      circle.appendChild(node("title", {}, n.name));
      nodeGroup.appendChild(circle);
    });
    drawing.appendChild(nodeGroup);
    var labelGroup = node("g", { class: "labels", "text-anchor": "middle", "paint-order": "stroke",
                                  stroke: this.colors.halo, "stroke-width": "3", "stroke-linejoin": "round" });
    var self = this;
    this.drawnLabels.forEach(function (label) {
      var lineHeight = Math.round(label.px * 1.2);
      label.lines.forEach(function (line, i) {
        labelGroup.appendChild(node("text", {
          x: label.x.toFixed(1), y: (label.y + i * lineHeight + label.px * 0.9).toFixed(1), "font-size": label.px,
          "font-weight": label.weight, fill: label.faded ? self.colors.muted : self.colors.text,
        }, line));
      });
    });
    drawing.appendChild(labelGroup);
    var legend = node("g", { class: "legend", "font-size": "13" });
    legend.appendChild(node("line", { x1: 0, y1: height + 0.5, x2: width, y2: height + 0.5, stroke: this.colors.muted, "stroke-opacity": "0.4" }));
    rows.forEach(function (row, r) {
      var y = height + 22 + r * 24;
      row.forEach(function (item) {
        if (item.kind === "node") legend.appendChild(node("circle", { cx: item.x + 8, cy: y, r: 6, fill: item.color }));
        else {
          var swatch = node("line", { x1: item.x, y1: y, x2: item.x + 18, y2: y, stroke: item.color, "stroke-width": 3 });
          if (item.dashed) swatch.setAttribute("stroke-dasharray", "5 3");
          legend.appendChild(swatch);
        }
        legend.appendChild(node("text", { x: item.x + 26, y: y + 4.5, fill: self.colors.text }, item.text));
      });
    });
    svg.appendChild(legend);
    return new XMLSerializer().serializeToString(svg);
  };

  Graph.prototype.downloadSvg = function () {
    download(new Blob([this.svgPicture()], { type: "image/svg+xml" }), this.pictureName("svg"));
  };

  /* ---------------------------------------------------------------- finding a term by name */

  Graph.prototype.wireFind = function (input) {
    var self = this;
    var lookupUrl = this.container.dataset.lookupUrl;

    function offer(text, choices) {
      // Buttons for the terms a name may refer to, or for adding one the view lacks.
      var holder = el("span", "graph-status-choices");
      choices.forEach(function (choice) {
        var button = el("button", "graph-chip", choice.text);
        button.type = "button";
        button.addEventListener("click", choice.action);
        holder.appendChild(button);
      });
      self.say(text, holder);
    }

    function show(slug, name) {
      if (self.nodes.get(slug)) {
        self.status.hidden = true;
        self.focusNode(slug);
      } else if (self.stateful) {
        offer("“" + name + "” is not in this view. ", [{ text: "Add it with its neighbours", action: function () { self.expand(slug); } }]);
      } else {
        self.say("“" + name + "” is not in this graph.");
      }
    }

    function find() {
      var text = input.value.trim();
      if (!text) return;
      fetch(lookupUrl + "?label=" + encodeURIComponent(text), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("The search failed (" + response.status + ").");
          return response.json();
        })
        .then(function (data) {
          if (data.term) show(data.term.slug, data.term.name);
          else if (data.candidates.length) {
            offer("“" + text + "” may refer to: ", data.candidates.map(function (c) {
              return { text: c.name, action: function () { show(c.slug, c.name); } };
            }));
          } else self.say("No term called “" + text + "”.");
        })
        .catch(function (error) { self.say(error.message); });
    }

    input.addEventListener("keydown", function (event) {
      // With a suggestion highlighted, autocomplete.js picks it (term:pick below) instead.
      if (event.key !== "Enter" || input.getAttribute("aria-activedescendant")) return;
      event.preventDefault();
      find();
    });
    input.addEventListener("term:pick", function (event) { show(event.detail.slug, event.detail.name); });
  };

  /* ---------------------------------------------------------------- page wiring */

  function autosubmit(form) {
    var key = "graph-filters-open:" + window.location.pathname;
    var filters = form.querySelector("details.graph-filters");
    // Changing a filter reloads the page; the filter panel stays open if it was.
    if (filters && window.sessionStorage && sessionStorage.getItem(key) === "1") {
      filters.open = true;
      sessionStorage.removeItem(key);
    }
    form.addEventListener("change", function (event) {
      if (!event.target.name) return;
      if (event.target.type === "number" && !event.target.checkValidity()) return;
      if (filters && filters.open && window.sessionStorage) sessionStorage.setItem(key, "1");
      form.requestSubmit();
    });
  }

  function wireSwatches(root) {
    root.querySelectorAll("[data-swatch]").forEach(function (swatch) {
      swatch.style.setProperty("--swatch", swatch.dataset.swatch);
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

  wireSwatches(document);
  once(".js-autosubmit", autosubmit);
  once(".js-graph", function (container) {
    var graph = new Graph(container);
    graph.wirePanel();
    window.graphs = window.graphs || {};
    window.graphs[container.id] = graph;
    if (container.id === "graph" || !window.graphNetwork) {
      window.graphNetwork = graph.network;
      window.graphView = graph;
    }
    document.querySelectorAll('[data-graph-find="' + container.id + '"]').forEach(function (input) {
      graph.wireFind(input);
    });
    document.querySelectorAll('[data-graph-action][data-graph="' + container.id + '"]').forEach(function (button) {
      button.addEventListener("click", function () {
        var action = button.dataset.graphAction;
        if (action === "fit") graph.fitView();
        else if (action === "png") graph.downloadPng();
        else if (action === "svg") graph.downloadSvg();
        var menu = button.closest("details");
        if (menu) menu.open = false;
      });
    });
    if (graph.stateful && graph.state.focus) {
      container.addEventListener("graph:ready", function () {
        if (graph.nodes.get(graph.state.focus)) graph.focusNode(graph.state.focus);
      });
    }
  });
})();
