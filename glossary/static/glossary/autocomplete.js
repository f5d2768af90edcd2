/* Search-box suggestions for every input[data-autocomplete] (ARIA 1.2 combobox + listbox).
 *
 * Keyboard: ArrowDown/ArrowUp move through the suggestions, Enter picks one, Escape closes the
 * list (a second Escape clears the box), Tab leaves. data-mode="go" opens the picked term's page;
 * data-mode="fill" puts its name into the box (the "how is this related to …?" form);
 * data-mode="pick" also fills the box and tells the page which term it is (a "term:pick" event
 * on the input, detail {slug, name}): the graph explorer focuses that term.
 * The endpoint answers { slug, name, matched } items, as a list or as { results: [...] }; the
 * server finds beginnings and misspellings of labels in any language, so no filtering here, and
 * names each term in the reader's language (the page's ?lang=, else the browser's).
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 120;

  function setup(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var source = input.getAttribute("data-autocomplete");
    var termUrl = input.getAttribute("data-term-url");
    var mode = input.getAttribute("data-mode") || "go";
    // A language the reader chose (?lang=) stays chosen (lang.js): the suggestions are named in
    // it, and the picked term's page comes in it.
    var withLang = window.glossaryKeepLanguage;
    var items = [];
    var active = -1;
    var timer = null;
    var latest = 0;

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      active = index;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function pick(index) {
      var item = items[index];
      if (!item) return;
      if (mode === "fill" || mode === "pick") {
        input.value = item.name;
        close();
        if (mode === "pick") {
          input.dispatchEvent(new CustomEvent("term:pick", { detail: { slug: item.slug, name: item.name } }));
        }
      } else {
        var url = termUrl.replace("SLUG", encodeURIComponent(item.slug));
        window.location.assign(withLang(url));
      }
    }

    function render(results, query) {
      list.textContent = "";
      items = results;
      active = -1;
      if (!results.length) {
        var empty = document.createElement("li");
        empty.className = "combo-empty";
        empty.setAttribute("role", "presentation");
        empty.textContent = "No term matches “" + query + "” — press Enter to search";
        list.appendChild(empty);
      }
      results.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = input.id + "-option-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.textContent = item.name;
        name.dir = "auto";
        option.appendChild(name);
        if (item.matched && item.matched.toLowerCase() !== item.name.toLowerCase()) {
          var alias = document.createElement("span");
          alias.className = "combo-alias";
          alias.textContent = "also “" + item.matched + "”";
          option.appendChild(alias);
        }
        // mousedown, not click: it fires before the input's blur closes the list.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          pick(i);
        });
        list.appendChild(option);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (!query) {
        close();
        return;
      }
      var ticket = ++latest;
      fetch(withLang(source + "?q=" + encodeURIComponent(query)), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.ok ? response.json() : [];
        })
        .then(function (data) {
          // A slower answer to an older query must not replace a newer one.
          if (ticket !== latest || document.activeElement !== input) return;
          render(Array.isArray(data) ? data : data.results || [], query);
        })
        .catch(close);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) {
          fetchSuggestions();
        } else if (items.length) {
          highlight(active + 1 >= items.length ? 0 : active + 1);
        }
      } else if (event.key === "ArrowUp") {
        if (open && items.length) {
          event.preventDefault();
          highlight(active <= 0 ? items.length - 1 : active - 1);
        }
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          pick(active);
        } else {
          // The typed text goes as it is (a search, or the page's own lookup): no late list over it.
          clearTimeout(timer);
          latest++;
          close();
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", close);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-autocomplete]").forEach(setup);
  });
})();
