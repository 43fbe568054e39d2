// The desk's progressive enhancement: a static file (the pages' CSP allows no inline
// script). Every page works without it; it only saves clicks.
"use strict";

// "Select all on this page" for a list's bulk form: shown only when this script runs.
document.querySelectorAll("[data-select-all]").forEach((toggle) => {
  const formId = toggle.getAttribute("data-select-all");
  const boxes = () => document.querySelectorAll(`input[type=checkbox][name=claim][form="${formId}"]`);
  toggle.closest("[hidden]")?.removeAttribute("hidden");
  toggle.addEventListener("change", () => {
    boxes().forEach((box) => { box.checked = toggle.checked; });
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches?.(`input[name=claim][form="${formId}"]`)) {
      const all = [...boxes()];
      toggle.checked = all.length > 0 && all.every((box) => box.checked);
      toggle.indeterminate = !toggle.checked && all.some((box) => box.checked);
    }
  });
});
