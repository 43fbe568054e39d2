// Intake on the desk: a static file (the pages' CSP allows no inline script). Every page
// works without it: the passage can be typed, the progress page reloaded by hand.
"use strict";

// A passage selected in the article text fills the "add a claim" form: the passage and
// its exact offsets in the article (counted over the text, whatever the highlights are).
document.querySelectorAll("form[data-selection-for]").forEach((form) => {
  const article = document.getElementById(form.getAttribute("data-selection-for"));
  const text = form.querySelector("textarea[name=text]");
  const start = form.querySelector("input[name=start]");
  const end = form.querySelector("input[name=end]");
  const where = form.querySelector("[data-selection-where]");
  if (!article || !text || !start || !end) return;

  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    if (!article.contains(range.startContainer) || !article.contains(range.endContainer)) return;
    const before = document.createRange();
    before.selectNodeContents(article);
    before.setEnd(range.startContainer, range.startOffset);
    let from = before.toString().length;
    let passage = range.toString();
    // Whitespace at either end of a selection is not part of the claim.
    const lead = passage.length - passage.trimStart().length;
    passage = passage.trim();
    if (!passage) return;
    from += lead;
    text.value = passage;
    start.value = String(from);
    end.value = String(from + passage.length);
    if (where) where.textContent = `Selected: characters ${from}–${from + passage.length} of the article.`;
  });
  // Typing in the field means "find this passage": the offsets no longer apply.
  text.addEventListener("input", () => {
    start.value = "";
    end.value = "";
    if (where) where.textContent = "";
  });
});

// The progress of a long article: poll, say where it is, open the article when done.
document.querySelectorAll("[data-intake-poll]").forEach((panel) => {
  const url = panel.getAttribute("data-intake-poll");
  const label = panel.querySelector("[data-intake-label]");
  const seconds = panel.querySelector("[data-intake-seconds]");
  const bar = panel.querySelector("progress");
  const steps = { queued: 1, running: 2, done: 3, refused: 3 };
  const poll = async () => {
    let progress;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      progress = await response.json();
    } catch (error) {
      window.setTimeout(poll, 3000);
      return;
    }
    label.textContent = progress.label;
    seconds.textContent = String(progress.seconds);
    if (bar) bar.value = steps[progress.state] || 1;
    if (!progress.finished) {
      window.setTimeout(poll, 1000);
    } else if (progress.article_url && progress.outcome !== "conflict") {
      window.location.assign(progress.article_url);
    } else {
      window.location.reload();
    }
  };
  window.setTimeout(poll, 1000);
});
