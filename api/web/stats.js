// 统计: the figures of the committee's annual report.

import { $, el, list, obj, str, fixed, api, showError, notice, begin, finish, stale, mountHeader } from "./common.js";

mountHeader("stats");

$("t-go").addEventListener("click", stats);

async function stats() {
  const run = begin("stats");
  const y = $("t-year").value;
  try {
    const r = await api("GET", "/api/v1/stats" + (y ? "?year=" + encodeURIComponent(y) : ""));
    if (stale("stats", run)) return;
    const st = obj(r.stats);
    $("t-report").textContent = str(r.report) || "暂无统计。";
    chart(list(st.categories).map(obj));
    $("t-units").tBodies[0].replaceChildren(...list(st.lead_units).map(obj).map((u) =>
      el("tr", {}, el("td", {}, str(u.name)), el("td", {}, str(u.count)))));
    finish("stats", run, "done");
  } catch (e) {
    if (stale("stats", run)) return;
    showError($("t-report"), e);
    finish("stats", run, "error");
  }
}

// chart draws one bar a category; the drawing grows with their number.
function chart(categories) {
  const svg = $("t-chart");
  const ns = "http://www.w3.org/2000/svg";
  const node = (tag, attrs, text) => {
    const n = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    return n;
  };
  const share = (c) => (Number.isFinite(c.share) ? c.share : 0);
  const max = Math.max(1, ...categories.map(share));
  svg.setAttribute("height", Math.max(40, 10 + categories.length * 40));
  svg.replaceChildren(...categories.flatMap((c, i) => {
    const y = 10 + i * 40;
    const w = Math.round((share(c) / max) * 380);
    return [
      node("text", { x: 0, y: y + 18 }, str(c.name)),
      node("rect", { x: 120, y, width: w, height: 26 }),
      node("text", { x: 128 + w, y: y + 18 }, str(c.count) + " 件，" + fixed(c.share, 1) + "%"),
    ];
  }));
}

stats();
