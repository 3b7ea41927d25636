// Small, optional enhancements. Every action also works without JavaScript.
(function () {
  "use strict";

  // Ask before destructive actions: <form data-confirm="...">, in the page's <dialog>. A yes adds
  // confirmed=1 and sends the form again, through htmx when the form uses it. Without JavaScript
  // the server asks instead (blueprints/common/confirm.py): a POST without confirmed=1 answers a
  // confirmation page, or the form is a GET to a confirmation page and htmx posts the action.
  var dialog = document.getElementById("confirm-dialog");
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) { return; }
    var flag = form.querySelector("input[name=confirmed]");
    if (flag && flag.value === "1") { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    var submitter = event.submitter || null;
    var proceed = function () {
      if (!flag) {
        flag = document.createElement("input");
        flag.type = "hidden";
        flag.name = "confirmed";
        form.appendChild(flag);
      }
      flag.value = "1";
      form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
    };
    if (!dialog || typeof dialog.showModal !== "function") {
      if (window.confirm(form.dataset.confirm)) { proceed(); }
      return;
    }
    dialog.querySelector("#confirm-dialog-text").textContent = form.dataset.confirm;
    dialog.returnValue = "";
    dialog.addEventListener("close", function onClose() {
      dialog.removeEventListener("close", onClose);
      if (dialog.returnValue === "yes") { proceed(); } else if (submitter) { submitter.focus(); }
    });
    dialog.showModal();
    var no = dialog.querySelector("button[value=no]");
    if (no) { no.focus(); }
  }, true);

  // After an htmx request, a form that was confirmed asks again next time; so does a page the
  // browser brings back from its cache (the back button after a plain post).
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    var flag = form && form.querySelector && form.querySelector("input[name=confirmed]");
    if (flag && form.dataset.confirm) { flag.value = ""; }
  });
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm] input[name=confirmed]"), function (flag) {
      flag.value = "";
    });
  });

  // Auto-submit filter forms whose controls say so (htmx-enhanced forms handle this themselves).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLElement && el.dataset.autosubmit !== undefined && el.form && !el.form.hasAttribute("data-hx-get") && !el.form.hasAttribute("hx-get")) {
      el.form.requestSubmit();
    }
  });

  // A select whose <optgroup>s are named after the values of another control shows only the group
  // of the value chosen there: <select data-follows="employment_type"> (golongan per status).
  function follow(select) {
    var source = select.form && select.form.elements[select.dataset.follows];
    if (!source) { return; }
    var values = [];
    var options = source.options || source;
    Array.prototype.forEach.call(options, function (o) { values.push(o.value); });
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
      var hide = values.indexOf(group.label) !== -1 && group.label !== source.value;
      group.hidden = hide;
      group.disabled = hide;
    });
    var chosen = select.options[select.selectedIndex];
    if (chosen && chosen.parentElement.disabled) { select.value = ""; }
  }
  function followAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll("select[data-follows]"), follow);
  }
  followAll(document);
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!(el instanceof HTMLElement) || !el.form) { return; }
    Array.prototype.forEach.call(el.form.querySelectorAll("select[data-follows]"), function (select) {
      if (select.dataset.follows === el.name) { follow(select); }
    });
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail && event.detail.elt && event.detail.elt.querySelectorAll) { followAll(event.detail.elt); }
  });

  // After an htmx swap, move focus to a heading or element that asks for it, for screen readers.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.elt;
    if (!target || !target.querySelector) { return; }
    var focus = target.querySelector("[data-autofocus]");
    if (focus) { focus.focus(); }
  });
})();
