// 并案: staff group a year's proposals for joint consultation.

import { $, el, list, obj, str, fixed, api, showError, notice, begin, finish, stale, mountHeader } from "./common.js";

mountHeader("groups").then((who) => {
  if (!$("g-year").value && who.current_year) $("g-year").value = String(who.current_year - 1);
  if (!$("g-threshold").value && who.group_threshold) $("g-threshold").placeholder = "阈值（默认" + who.group_threshold + "）";
  exportLink();
});

$("g-go").addEventListener("click", groups);
for (const id of ["g-year", "g-threshold"]) $(id).addEventListener("input", exportLink);
exportLink();

function groupParams() {
  const p = new URLSearchParams();
  if ($("g-year").value) p.set("year", $("g-year").value);
  if ($("g-threshold").value) p.set("threshold", $("g-threshold").value);
  return p;
}

function exportLink() {
  const p = groupParams();
  p.set("format", "xlsx");
  $("g-xlsx").href = "/api/v1/groups?" + p;
}

async function groups() {
  const run = begin("groups");
  $("g-summary").textContent = "分组中……";
  try {
    const r = await api("GET", "/api/v1/groups?" + groupParams());
    if (stale("groups", run)) return;
    const gs = list(r.groups).map(obj);
    const year = $("g-year").value ? $("g-year").value + " 年" : "各年度";
    $("g-summary").textContent = gs.length ? year + "共 " + gs.length + " 组可集中协商的同类提案" : year + "没有可集中协商的同类提案。";
    $("g-list").replaceChildren(...gs.map(groupBox));
    finish("groups", run, "done");
  } catch (e) {
    if (stale("groups", run)) return;
    $("g-summary").textContent = "";
    showError($("g-list"), e);
    finish("groups", run, "error");
  }
}

function groupBox(g, i) {
  const members = list(g.members).map(obj);
  return el("div", { class: "group" },
    el("h3", {}, "第" + (i + 1) + "组：" + list(g.label).join("、")),
    el("small", {}, members.length + " 件 · 凝聚度 " + fixed(g.cohesion, 2) + " · 常见主办：" + (str(g.lead_unit) || "—")),
    el("ul", {}, ...members.map((m) => {
      const li = el("li", {}, str(m.number) + " " + str(m.title) + "  ");
      const reason = list(m.reason);
      if (reason.length) li.append(el("small", {}, "［" + reason.join("、") + "］"));
      return li;
    })));
}

