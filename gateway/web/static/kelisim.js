// kelisim's own scripts: small behaviours shared by every page (no framework).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // a page reached by the skip link or after a form puts the focus on its content
  if (location.hash === "#main") document.getElementById("main")?.focus();
});
