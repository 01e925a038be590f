// The report form: the template's checks while the person types (the messages come from
// the page, already in the reader's language), the typed values kept in this browser
// until a save succeeds, and the save sent without leaving the page so that a dropped
// connection loses nothing. Without this script the form still works (the server checks).
"use strict";
(() => {
  const NUMERIC = ["integer", "decimal", "money", "percent"];
  const SCALE = 6; // decimal places compared exactly (the service keeps at most 6)

  function normalise(text) {
    let compact = (text || "").replace(/[\s\u00a0\u202f]+/g, "");
    if ((compact.match(/,/g) || []).length === 1 && !compact.includes(".")) {
      compact = compact.replace(",", ".");
    }
    return compact;
  }

  // a decimal text as a BigInt of millionths (exact comparisons and sums)
  function scaled(text) {
    const negative = text.startsWith("-");
    const [whole, fraction = ""] = text.replace("-", "").split(".");
    const value = BigInt(whole + fraction.slice(0, SCALE).padEnd(SCALE, "0"));
    return negative ? -value : value;
  }

  function numberText(input) {
    const text = normalise(input.value);
    if (!text) return null;
    const pattern = input.dataset.type === "integer" ? /^-?[0-9]+$/ : /^-?[0-9]+(\.[0-9]+)?$/;
    return pattern.test(text) ? text : undefined;
  }

  // the first broken check of one field ("" when it holds); `complete`: as on submit
  function fieldMessage(input, complete) {
    const d = input.dataset;
    if (input.value.trim() === "") return complete && input.required ? d.msgRequired : "";
    if (NUMERIC.includes(d.type)) {
      const text = numberText(input);
      if (text === undefined) return d.msgType || "";
      const fraction = (text.split(".")[1] || "").replace(/0+$/, "");
      if (d.places !== undefined && fraction.length > Number(d.places)) return d.msgPlaces || d.msgType;
      if (d.min !== undefined && scaled(text) < scaled(d.min)) return d.msgMin || "";
      if (d.max !== undefined && scaled(text) > scaled(d.max)) return d.msgMax || "";
    } else if (d.type === "date") {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(input.value) || Number.isNaN(Date.parse(input.value))) return d.msgType || "";
    } else if (d.type === "text" && input.value.length > 4000) {
      return d.msgLength || "";
    }
    return "";
  }

  const COMPARE = {"<=": (a, b) => a <= b, "<": (a, b) => a < b, ">=": (a, b) => a >= b,
                   ">": (a, b) => a > b, "==": (a, b) => a === b, "!=": (a, b) => a !== b};

  function sideValue(side, inputs) {
    if (!Array.isArray(side)) return scaled(String(side));
    let total = 0n;
    for (const code of side) {
      const input = inputs[code];
      const text = input ? numberText(input) : null;
      if (text === null || text === undefined) return null; // a rule needs every value
      total += scaled(text);
    }
    return total;
  }

  function init() {
    const form = document.getElementById("report-form");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    const alertBox = document.getElementById("form-alert");
    const status = document.getElementById("save-status");
    const rules = JSON.parse(form.dataset.rules || "[]");
    const fields = Array.from(form.querySelectorAll("[data-field]"));
    const inputs = Object.fromEntries(fields.map((el) => [el.dataset.field, el]));
    const key = form.dataset.storageKey;
    const prefix = form.dataset.storagePrefix;

    function show(input, message) {
      const box = document.getElementById(input.id + "-error");
      const wrapper = input.closest(".report-field");
      if (box) { box.textContent = message || ""; box.hidden = !message; }
      if (message) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
      if (wrapper) wrapper.classList.toggle("has-error", Boolean(message));
    }

    // every field's message; returns those that stop this action
    function check(complete, only) {
      const messages = {}, blocking = {};
      for (const input of fields) {
        const message = fieldMessage(input, complete);
        if (message) { messages[input.dataset.field] = message; blocking[input.dataset.field] = message; }
      }
      for (const rule of rules) {
        // as the service: a rule is checked on values that are themselves valid
        const codes = [rule.left, rule.right].filter(Array.isArray).flat();
        if (codes.some((code) => messages[code])) continue;
        const left = sideValue(rule.left, inputs), right = sideValue(rule.right, inputs);
        if (left === null || right === null || COMPARE[rule.op](left, right)) continue;
        if (!messages[rule.target]) {
          messages[rule.target] = rule.message;
          if (complete) blocking[rule.target] = rule.message;
        }
      }
      for (const input of fields) {
        if (!only || only.includes(input)) show(input, messages[input.dataset.field] || "");
      }
      return blocking;
    }

    function related(input) {
      const code = input.dataset.field;
      const found = new Set([input]);
      for (const rule of rules) {
        const codes = [rule.left, rule.right].filter(Array.isArray).flat();
        if (codes.includes(code) && inputs[rule.target]) found.add(inputs[rule.target]);
      }
      return Array.from(found);
    }

    // -- the typed values, kept in this browser until a save succeeds
    function values() {
      return Object.fromEntries(fields.map((el) => [el.name, el.value]));
    }
    function remember() {
      try { localStorage.setItem(key, JSON.stringify({values: values(), at: Date.now()})); } catch (e) { /* storage off: the form still works */ }
    }
    function forget() {
      try {
        for (const name of Object.keys(localStorage)) if (name.startsWith(prefix)) localStorage.removeItem(name);
      } catch (e) { /* nothing kept */ }
    }
    function restore() {
      let stored = null;
      try {
        // this version's values, else the newest kept for an older version of the report
        const names = Object.keys(localStorage).filter((n) => n.startsWith(prefix)).sort(
          (a, b) => Number(b.split(":v")[1]) - Number(a.split(":v")[1]));
        const name = names.includes(key) ? key : names[0];
        stored = name ? JSON.parse(localStorage.getItem(name)) : null;
      } catch (e) { return; }
      if (!stored || !stored.values) return;
      let changed = false;
      for (const input of fields) {
        const kept = stored.values[input.name];
        if (typeof kept === "string" && kept !== input.value) { input.value = kept; changed = true; }
      }
      if (changed) {
        forget();
        remember();
        const notice = document.getElementById("restore-notice");
        if (notice) notice.hidden = false;
        check(false);
      }
    }

    let timer = null;
    let submitting = false; // after a refused submit the typing checks include "required"
    form.addEventListener("input", (event) => {
      const input = event.target.closest("[data-field]");
      if (!input) return;
      remember();
      clearTimeout(timer);
      timer = setTimeout(() => check(submitting, related(input)), 350);
    });
    form.addEventListener("change", (event) => {
      const input = event.target.closest("[data-field]");
      if (input) { remember(); check(submitting, related(input)); }
    });

    const discard = document.getElementById("discard-restored");
    if (discard) {
      discard.addEventListener("click", () => {
        for (const input of fields) {
          if (input.tagName === "SELECT") {
            for (const option of input.options) option.selected = option.defaultSelected;
          } else {
            input.value = input.defaultValue;
          }
        }
        forget();
        check(false);
        document.getElementById("restore-notice").hidden = true;
        fields[0]?.focus();
      });
    }

    function say(message) {
      alertBox.className = message ? "form-alert" : "";
      alertBox.textContent = "";
      if (message) {
        const p = document.createElement("p");
        const strong = document.createElement("strong");
        strong.textContent = message;
        p.appendChild(strong);
        alertBox.appendChild(p);
      }
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const action = event.submitter && event.submitter.value === "submit" ? "submit" : "save";
      clearTimeout(timer);
      submitting = action === "submit";
      const blocking = check(action === "submit");
      const first = fields.find((el) => blocking[el.dataset.field]);
      if (first) {
        say(form.dataset.msgInvalid);
        first.focus();
        return;
      }
      remember();
      const body = new URLSearchParams(new FormData(form));
      body.set("action", action);
      const buttons = Array.from(form.querySelectorAll("button[type=submit]"));
      buttons.forEach((b) => { b.disabled = true; });
      if (status) status.textContent = form.dataset.msgSaving;
      fetch(form.getAttribute("action"), {method: "POST", body, credentials: "same-origin",
                                          headers: {"X-CSRF-Token": body.get("csrf_token") || ""}})
        .then(async (response) => {
          const target = new URL(response.url, location.href);
          if (response.redirected && response.ok && target.pathname === location.pathname) {
            forget(); // saved: the page as it is now
            location.assign(response.url);
            return;
          }
          if (response.redirected) { location.assign(response.url); return; } // signed out: sign in, the values stay here
          const type = response.headers.get("Content-Type") || "";
          const page = type.startsWith("text/html") ?
            new DOMParser().parseFromString(await response.text(), "text/html") : null;
          const main = page && page.getElementById("main");
          if (!main) throw new Error("unreadable answer");
          // the form again with the server's messages (422, 409), or an error page: the
          // values typed stay in this browser either way
          document.getElementById("main").replaceWith(main);
          document.title = page.title;
          init();
          const invalid = document.querySelector("#report-form [aria-invalid=true]");
          (invalid || document.getElementById("form-alert") || main).focus();
        })
        .catch((error) => {
          buttons.forEach((b) => { b.disabled = false; });
          if (status) status.textContent = "";
          say(error instanceof TypeError ? form.dataset.msgOffline : form.dataset.msgFailed);
        });
    });

    restore();
  }

  document.addEventListener("DOMContentLoaded", init);
})();
