// The inbox: when htmx replaces an item (read) or removes it (archived), the keyboard focus
// stays in the list (on that item, or the next one, or the status line) instead of being lost.
"use strict";
let changedAt = -1;
document.addEventListener("htmx:beforeRequest", (event) => {
  const item = event.detail.elt.closest ? event.detail.elt.closest(".inbox-item") : null;
  changedAt = item ? [...document.querySelectorAll(".inbox-item")].indexOf(item) : -1;
});
document.addEventListener("htmx:afterSettle", () => {
  if (changedAt < 0) return;
  const items = document.querySelectorAll(".inbox-item");
  const target = items[Math.min(changedAt, items.length - 1)] || document.getElementById("inbox-said");
  changedAt = -1;
  if (target) {
    target.setAttribute("tabindex", "-1");
    target.focus();
  }
});
