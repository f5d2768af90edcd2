/* "Copy" buttons next to read-only fields (a term's concept URI). The button stays hidden where
 * the clipboard cannot be written (plain http outside localhost): the field can still be selected. */
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll(".js-copy").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 1500);
      }, function () { field.select(); });
    });
  });
  document.querySelectorAll(".js-copy-source").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
})();
