// Django formsets that grow in the browser: a container [data-formset] (data-prefix, data-placeholder)
// holds the management form, the rows ([data-formset-rows]) and a <template data-formset-template>
// with the empty form; a button [data-formset-add=<prefix>] appends one row and bumps TOTAL_FORMS.
// Nested formsets (phones and e-mails of an address) use their own placeholder, so cloning an
// address keeps their template intact. Without this script, each page still offers one empty row.
(function () {
  "use strict";

  function addRow(prefix) {
    var container = document.querySelector('[data-formset][data-prefix="' + prefix + '"]');
    if (!container) return;
    var total = container.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var template = container.querySelector('template[data-formset-template="' + prefix + '"]');
    var rows = container.querySelector('[data-formset-rows="' + prefix + '"]');
    if (!total || !template || !rows) return;
    var index = parseInt(total.value, 10) || 0;
    var html = template.innerHTML.split(container.dataset.placeholder).join(String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var added = rows.lastElementChild;
    var first = added && added.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (!button) return;
    event.preventDefault();
    addRow(button.dataset.formsetAdd);
  });

  // Checkboxes of one exclusive group (the default address): checking one unchecks the others.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[type=checkbox][data-exclusive]") || !box.checked) return;
    document.querySelectorAll('input[type=checkbox][data-exclusive="' + box.dataset.exclusive + '"]').forEach(function (other) {
      if (other !== box) other.checked = false;
    });
  });
})();
