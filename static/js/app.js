// Small, optional enhancements. Every action also works without JavaScript.
(function () {
  "use strict";

  // Ask before destructive actions: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Auto-submit filter forms whose controls say so (htmx-enhanced forms handle this themselves).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLElement && el.dataset.autosubmit !== undefined && el.form && !el.form.hasAttribute("data-hx-get") && !el.form.hasAttribute("hx-get")) {
      el.form.requestSubmit();
    }
  });

  // After an htmx swap, move focus to a heading or element that asks for it, for screen readers.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.elt;
    if (!target || !target.querySelector) { return; }
    var focus = target.querySelector("[data-autofocus]");
    if (focus) { focus.focus(); }
  });
})();
