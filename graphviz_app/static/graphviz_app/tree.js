/* Broader/narrower trees: a toggle shows or hides a term's narrower terms, loading them from
 * /api/graph/narrower/<slug>/ the first time. Names go in with textContent, never innerHTML. */
(function () {
  "use strict";

  // A language the reader chose (?lang=) stays chosen in the terms loaded and in their links (lang.js).
  var withLang = window.glossaryKeepLanguage;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function toggle(name, open) {
    var button = el("button", "tree-toggle");
    button.type = "button";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.setAttribute("aria-label", (open ? "Hide" : "Show") + " the narrower terms of " + name);
    return button;
  }

  function itemFor(term) {
    var item = el("li", "tree-item");
    item.dataset.slug = term.id;
    var row = el("div", "tree-row");
    if (term.narrower_count) row.appendChild(toggle(term.name, false));
    else {
      var leaf = el("span", "tree-leaf");
      leaf.setAttribute("aria-hidden", "true");
      row.appendChild(leaf);
    }
    var link = el("a", term.status === "deprecated" ? "tree-deprecated" : "", term.name);
    link.href = withLang(term.url);
    link.dir = "auto";  // an Arabic or Hebrew name reads right to left, whatever the page's direction
    if (term.url === window.location.pathname) link.setAttribute("aria-current", "page");
    row.appendChild(link);
    if (term.narrower_count) {
      var count = el("span", "tree-count", String(term.narrower_count));
      count.title = "Narrower terms";
      row.appendChild(count);
    }
    item.appendChild(row);
    return item;
  }

  // One level of narrower terms, from the ``offset``-th on (by name), as the API pages them.
  function fetchNarrower(tree, item, offset) {
    var url = tree.dataset.narrowerUrl.replace("__slug__", encodeURIComponent(item.dataset.slug));
    var query = "?type=" + encodeURIComponent(tree.dataset.treeType) + (offset ? "&offset=" + offset : "");
    return fetch(withLang(url + query), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("Could not load the narrower terms (" + response.status + ").");
        return response.json();
      });
  }

  // What a long level says below the terms it shows: a button that shows the next ones.
  function moreButton(shown, count) {
    var button = el("button", "tree-more-button", "Show more narrower terms (" + (count - shown) + " not shown)");
    button.type = "button";
    button.dataset.shown = String(shown);
    return button;
  }

  function load(tree, item, button) {
    var waiting = el("p", "tree-loading", "Loading…");
    item.appendChild(waiting);
    button.disabled = true;
    return fetchNarrower(tree, item, 0)
      .then(function (data) {
        var list = el("ul");
        data.narrower.forEach(function (term) { list.appendChild(itemFor(term)); });
        waiting.replaceWith(list);
        if (data.count > data.narrower.length) {
          var more = el("p", "tree-more");
          more.appendChild(moreButton(data.narrower.length, data.count));
          list.after(more);
        }
      })
      .catch(function (error) { waiting.textContent = error.message; })
      .finally(function () { button.disabled = false; });
  }

  function loadMore(tree, button) {
    var item = button.closest(".tree-item");
    var list = item.querySelector(":scope > ul");
    var shown = Number(button.dataset.shown);
    button.disabled = true;
    button.textContent = "Loading…";
    return fetchNarrower(tree, item, shown)
      .then(function (data) {
        data.narrower.forEach(function (term) { list.appendChild(itemFor(term)); });
        shown += data.narrower.length;
        if (shown < data.count && data.narrower.length) button.replaceWith(moreButton(shown, data.count));
        else button.parentNode.remove();
      })
      .catch(function (error) {
        button.disabled = false;
        button.textContent = error.message + " Try again";
      });
  }

  function wire(tree) {
    tree.addEventListener("click", function (event) {
      var more = event.target.closest(".tree-more-button");
      if (more && tree.contains(more)) {
        loadMore(tree, more);
        return;
      }
      var button = event.target.closest(".tree-toggle");
      if (!button || !tree.contains(button)) return;
      var item = button.closest(".tree-item");
      var name = item.querySelector("a").textContent;
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.setAttribute("aria-label", (open ? "Hide" : "Show") + " the narrower terms of " + name);
      var children = item.querySelector(":scope > ul");
      var more = item.querySelector(":scope > .tree-more");
      if (children) {
        children.hidden = !open;
        if (more) more.hidden = !open;
      } else if (open) {
        load(tree, item, button);
      }
    });
  }

  document.querySelectorAll("ul.tree").forEach(function (tree) {
    if (tree.dataset.wired) return;
    tree.dataset.wired = "1";
    wire(tree);
  });
})();
