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

// "Add evidence" (its key or the key hint's link): open the form and put the cursor in its
// first field; a second press does not close it (the summary itself still toggles).
function openDetails(id) {
  const details = document.getElementById(id);
  if (!details) return;
  details.open = true;
  details.scrollIntoView({ block: "start" });
  details.querySelector("input:not([type=hidden]), select, textarea")?.focus();
}
document.querySelectorAll("a[data-open-details]").forEach((link) => {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    openDetails(link.getAttribute("data-open-details"));
  });
});

// The claim page's keys for the common steps: Alt+Shift (Option+Shift on a Mac) with the
// letter an element names in data-key (T take, E add evidence, N next claim). Modifier
// keys, so typing never triggers them; the letter is read from the key's position
// (event.code), so layouts and Option's special characters do not matter.
const keyed = new Map();
document.querySelectorAll("[data-key]").forEach((el) => keyed.set(el.getAttribute("data-key"), el));
if (keyed.size) {
  document.getElementById("keys")?.removeAttribute("hidden");
  document.addEventListener("keydown", (event) => {
    if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey || event.repeat) return;
    const match = /^Key([A-Z])$/.exec(event.code);
    const target = match && keyed.get(match[1].toLowerCase());
    if (!target) return;
    event.preventDefault();
    const opens = target.getAttribute("data-open-details");
    if (opens) openDetails(opens);
    else target.click();
  });
}
