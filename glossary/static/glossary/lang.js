/* A language the reader chose (?lang=) stays chosen in the links and requests scripts make, as
 * the server keeps it in the links of the page. The server says which language that is
 * (html[data-keep-lang], from glossary.language.kept_language); none: URLs stay as they are.
 * Loaded before the other scripts, without defer. */
(function () {
  "use strict";

  var lang = document.documentElement.getAttribute("data-keep-lang");

  window.glossaryKeepLanguage = function (url) {
    if (!lang || !url || /[?&]lang=/.test(url)) return url;
    return url + (url.indexOf("?") < 0 ? "?" : "&") + "lang=" + encodeURIComponent(lang);
  };
})();
