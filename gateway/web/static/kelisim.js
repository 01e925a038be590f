// kelisim's own scripts: small behaviours shared by every page (no framework).
"use strict";
const DRAFT_PREFIX = "kelisim:";  // report drafts kept in this browser (report-form.js)

document.addEventListener("DOMContentLoaded", () => {
  // a page reached by the skip link or after a form puts the focus on its content
  if (location.hash === "#main") document.getElementById("main")?.focus();
  // signing out leaves nothing typed behind for the next person at this computer
  document.querySelectorAll('form[action="/sign-out"]').forEach((form) => {
    form.addEventListener("submit", () => {
      try {
        for (const name of Object.keys(localStorage)) {
          if (name.startsWith(DRAFT_PREFIX)) localStorage.removeItem(name);
        }
      } catch (e) { /* storage off: nothing was kept */ }
    });
  });
});
