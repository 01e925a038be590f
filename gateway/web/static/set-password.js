// The link's token travels in the URL's fragment (never sent to a server or a log); the
// form takes it from there.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  const field = document.getElementById("link-token");
  if (token && field && !field.value) field.value = token;
});
