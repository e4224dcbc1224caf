/* Accessible names for the admin widgets Django leaves without one (found by axe-core in the
 * crawl test, kaderasi/web/tests/test_crawl.py): the date and time boxes of a date-time field
 * (one label for two inputs), the autocomplete boxes (select2), and the filter's search icon
 * (an aria-label on a span with no role). Runs after Django's own widgets are built (on load). */
"use strict";
window.addEventListener("load", () => {
  const fieldLabel = (element) => {
    const row = element.closest(".form-row, .fieldBox, .flex-container");
    const label = row && row.querySelector("label");
    return label ? label.textContent.replace(/[:\s]+$/, "").trim() : "";
  };
  for (const input of document.querySelectorAll("p.datetime input")) {
    if (input.labels.length || input.hasAttribute("aria-label")) continue;
    let before = input.previousSibling;
    while (before && before.nodeType !== Node.TEXT_NODE) before = before.previousSibling;
    const part = before ? before.textContent.replace(/[:\s]+$/, "").trim() : "";
    input.setAttribute("aria-label", [fieldLabel(input), part].filter(Boolean).join(": "));
  }
  for (const box of document.querySelectorAll(".select2-selection[role=combobox]")) {
    if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", fieldLabel(box));
  }
  for (const icon of document.querySelectorAll(".help-tooltip[aria-label]:not([role])")) {
    icon.setAttribute("role", "img");
  }
});
