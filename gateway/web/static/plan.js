// A plan's Gantt chart (Frappe Gantt 1.2.2, served by the platform), built from the JSON
// the page embeds in #gantt-data: the tasks with their finish-to-start dependencies, the
// platform's days off (GET /api/v1/calendar's days: holidays shaded, working Saturdays
// not), today's line, a thin baseline bar under each current bar and the slipped tasks'
// old due date. The chart is a picture: the table below it lists the same tasks.
"use strict";
(function () {
  const DAY = 24 * 3600 * 1000;

  // Frappe Gantt writes a task's name and the popup's texts with innerHTML: titles people
  // typed go in escaped, so they are shown as text and never run
  function esc(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function iso(d) {
    const m = String(d.getMonth() + 1).padStart(2, "0");
    const day = String(d.getDate()).padStart(2, "0");
    return `${d.getFullYear()}-${m}-${day}`;
  }

  function parse(text) {
    const [y, m, d] = text.split("-").map(Number);
    return new Date(y, m - 1, d);
  }

  // the x of a date as Frappe Gantt places a bar's start (its date_utils.diff, by unit)
  function xOf(gantt, date) {
    const start = gantt.gantt_start;
    const unit = gantt.config.unit;
    let diff;
    if (unit === "month") {
      let months = (date.getFullYear() - start.getFullYear()) * 12 +
        date.getMonth() - start.getMonth() + date.getDate() / 31;
      if (date.getDate() < start.getDate()) months -= 1;
      diff = Math.round(months * 100) / 100;
    } else {
      const ms = date - start + (start.getTimezoneOffset() - date.getTimezoneOffset()) * 60000;
      diff = Math.round((ms / DAY) * 100) / 100;
    }
    return (diff / gantt.config.step) * gantt.config.column_width;
  }

  function svg(name, attrs, parent) {
    const el = document.createElementNS("http://www.w3.org/2000/svg", name);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    parent.appendChild(el);
    return el;
  }

  // baseline bars and slip marks, drawn over the rendered chart (again after a re-render)
  function decorate(gantt, data) {
    const byId = new Map(data.tasks.map((t) => [t.id, t]));
    for (const bar of gantt.bars || []) {
      const task = byId.get(bar.task.id);
      if (!task) continue;
      const thin = gantt.options.padding < 16;  // the print view's tighter rows
      const y = bar.$bar.getY() + bar.$bar.getHeight() + (thin ? 1 : 2);
      if (task.baseline) {
        const x1 = xOf(gantt, parse(task.baseline.start));
        const x2 = xOf(gantt, new Date(parse(task.baseline.end).getTime() + DAY));
        const rect = svg("rect", {x: x1, y, width: Math.max(x2 - x1, 3), height: thin ? 3 : 5, rx: 1,
                                  class: "baseline-bar"}, bar.group);
        svg("title", {}, rect).textContent = `${data.words.baseline}: ${task.baseline.start} – ${task.baseline.end}`;
      }
      if (task.slip) {
        const x = xOf(gantt, new Date(parse(task.slip.old).getTime() + DAY));
        svg("line", {x1: x, x2: x, y1: bar.$bar.getY() - 2, y2: y + (thin ? 3 : 5), class: "slip-mark"}, bar.group);
      }
    }
  }

  // on the sheet, a label that would run past the chart's right edge goes left of its bar
  function keepLabelsInside(gantt) {
    const width = gantt.$svg.getBoundingClientRect().width || gantt.$svg.getAttribute("width");
    for (const bar of gantt.bars || []) {
      const label = bar.group.querySelector(".bar-label");
      if (!label) continue;
      const box = label.getBBox();
      const roomLeft = bar.$bar.getX() - 5;
      const roomRight = width - bar.$bar.getEndX() - 5;
      if (box.x + box.width > width - 4 && roomLeft > roomRight) {
        label.setAttribute("x", bar.$bar.getX() - 5);
        label.setAttribute("text-anchor", "end");
        label.classList.add("left-label");
      }
    }
  }

  function popup(data) {
    const byId = new Map(data.tasks.map((t) => [t.id, t]));
    return (ctx) => {
      const task = byId.get(ctx.task.id);
      ctx.set_title(esc(task.name));
      ctx.set_subtitle(esc(task.status));
      const lines = [`${data.words.start}: ${task.start} · ${data.words.due}: ${task.end}`,
                     `${data.words.progress}: ${task.progress} %`];
      if (task.baseline) lines.push(`${data.words.baseline}: ${task.baseline.start} – ${task.baseline.end}`);
      if (task.slip) {
        lines.push(data.words.was_due.replace("{date}", task.slip.old) +
                   (task.slip.reason ? ` — ${task.slip.reason}` : ""));
      }
      ctx.set_details(lines.map(esc).join("<br>"));
    };
  }

  // Week and Month scales named in the page's language (the month names come from the
  // server: browsers' Intl lacks Kazakh ones)
  function viewModes(data) {
    const long = data.months;
    const short = data.months_short;
    const upperMonth = (d, ld) => (!ld || d.getMonth() !== ld.getMonth() ? `${long[d.getMonth()]} ${d.getFullYear()}` : "");
    return [
      {name: "Week", padding: ["14d", "14d"], step: "7d", date_format: "YYYY-MM-DD", column_width: 84,
       lower_text: (d) => {
         const end = new Date(d.getTime() + 6 * DAY);
         return end.getMonth() === d.getMonth() ? `${d.getDate()}–${end.getDate()}`
           : `${d.getDate()} ${short[d.getMonth()]}–${end.getDate()}`;
       },
       upper_text: upperMonth, upper_text_frequency: 4,
       thick_line: (d) => d.getDate() >= 1 && d.getDate() <= 7},
      {name: "Month", padding: ["1m", "1m"], step: "1m", date_format: "YYYY-MM", column_width: 110,
       lower_text: (d) => long[d.getMonth()],
       upper_text: (d, ld) => (!ld || d.getFullYear() !== ld.getFullYear() ? String(d.getFullYear()) : ""),
       thick_line: (d) => d.getMonth() % 3 === 0},
    ];
  }

  function build() {
    const host = document.getElementById("gantt");
    const source = document.getElementById("gantt-data");
    if (!host || !source || typeof window.Gantt !== "function") return;
    const data = JSON.parse(source.textContent);
    const tasks = data.tasks.filter((t) => t.kind !== "phase" || t.start <= t.end)
      .map((t) => ({id: t.id, name: esc(t.name), start: t.start, end: t.end,
                    progress: t.progress, dependencies: t.dependencies,
                    custom_class: t.custom_class}));
    if (!tasks.length) return;
    const off = new Set(data.days_off);
    const working = new Set(data.working_weekends);
    const isOff = (d) => {
      const key = iso(d);
      if (off.has(key)) return true;
      const wd = d.getDay();
      return (wd === 0 || wd === 6) && !working.has(key);
    };
    const printing = data.print;
    const modes = viewModes(data);
    const options = {
      view_modes: printing ? [modes[1], modes[0]] : modes,  // the first is shown first
      language: data.lang,
      readonly: true,
      today_button: false,
      view_mode_select: false,
      infinite_padding: false,
      scroll_to: printing ? "start" : (data.scroll_to || "start"),
      popup_on: "click",
      popup: popup(data),
      bar_height: 22,
      padding: 16,
      holidays: {"var(--plan-day-off)": isOff},
      is_weekend: isOff,
      container_height: "auto",
    };
    if (printing) {
      // fit the page's width: one column per month of the chart's span (+2 months padding)
      const starts = tasks.map((t) => t.start).concat(data.tasks.filter((t) => t.baseline).map((t) => t.baseline.start)).sort();
      const ends = tasks.map((t) => t.end).concat(data.tasks.filter((t) => t.baseline).map((t) => t.baseline.end)).sort();
      const first = parse(starts[0]);
      const last = parse(ends[ends.length - 1]);
      const months = (last.getFullYear() - first.getFullYear()) * 12 + last.getMonth() - first.getMonth() + 4;
      modes[1].lower_text = (d) => data.months_short[d.getMonth()];
      options.bar_height = 16;  // more rows on a sheet
      options.padding = 10;
      modes[1].column_width = Math.max(40, Math.floor((host.clientWidth - 4) / months));
    }
    host.innerHTML = "";
    const gantt = new window.Gantt(host, tasks, options);
    decorate(gantt, data);
    if (printing) requestAnimationFrame(() => requestAnimationFrame(() => keepLabelsInside(gantt)));
    const container = host.querySelector(".gantt-container");
    if (container) {
      // the chart scrolls: reachable by keyboard, and named for screen readers
      container.setAttribute("tabindex", "0");
      container.setAttribute("role", "region");
      container.setAttribute("aria-label", host.dataset.label || "Gantt");
    }
    for (const button of document.querySelectorAll(".gantt-tools [data-view]")) {
      button.addEventListener("click", () => {
        gantt.change_view_mode(button.dataset.view);
        decorate(gantt, data);
        for (const other of document.querySelectorAll(".gantt-tools [data-view]")) {
          other.setAttribute("aria-pressed", String(other === button));
        }
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", build);
  else build();
})();
