// 并案: staff curate a year's groups for joint consultation. The page
// loads the year's stored groups (or the system's suggestion), edits a
// working copy (move a proposal to another group or out, merge, split,
// rename, set the lead unit), saves the whole year with the version it
// started from (a colleague's newer save is refused, not overwritten),
// confirms the year, and links the Excel export.

import { $, el, list, obj, str, api, showError, begin, finish, stale, mountHeader, proposalLink, confirmDialog, toast, when, percent, together, togetherHint, actorName, proposalYears, statusBadge } from "./common.js";

let units = []; // unit names, for the lead unit
let view = {}; // the last answer of the server
let work = { groups: [], out: [] }; // the working copy
let dirty = false;
let year = 0;
const counts = {}; // year → its proposals

start();

async function start() {
  const who = await mountHeader("groups");
  const [years] = await Promise.all([loadYears(), loadUnits()]);
  const current = Number(who.current_year) || 0;
  const have = years.map((y) => y.year);
  if (current && !have.includes(current)) years.unshift({ year: current, count: 0 });
  years.sort((a, b) => b.year - a.year);
  for (const y of years) counts[y.year] = y.count;
  $("g-year").replaceChildren(...years.map((y) => el("option", { value: String(y.year) }, y.year + "年" + (y.count ? "（" + y.count + "件）" : "（暂无提案）"))));
  // the server's current year; when it has no proposals yet, the newest that has
  const earlier = have.filter((y) => !current || y <= current);
  year = have.includes(current) || !have.length ? current : Math.max(...(earlier.length ? earlier : have));
  $("g-year").value = String(year);
  $("g-year").addEventListener("change", changeYear);
  $("g-all").addEventListener("change", includeOthers);
  $("g-suggest").addEventListener("click", resuggest);
  $("g-merge").addEventListener("click", merge);
  $("g-save").addEventListener("click", () => save());
  $("g-confirm").addEventListener("click", confirmYear);
  window.addEventListener("beforeunload", (e) => { if (dirty) e.preventDefault(); });
  await load(false);
}

// loadYears reads the years that have proposals, with how many each
// received (see proposalYears).
async function loadYears() {
  try {
    return await proposalYears();
  } catch (e) {
    showError($("g-msg"), e);
    return [];
  }
}

async function loadUnits() {
  try {
    const r = await api("GET", "/api/v1/units");
    units = list(r.units).map(obj).map((u) => str(u.name)).filter(Boolean);
  } catch (e) {
    showError($("g-msg"), e);
  }
}

async function changeYear() {
  const next = Number($("g-year").value);
  if (dirty && !(await confirmDialog(year + "年的分组有未保存的修改，切换年度将放弃这些修改。继续吗？", "放弃修改并切换"))) {
    $("g-year").value = String(year);
    return;
  }
  year = next;
  await load(false);
}

// includeOthers asks for the suggestion again with or without the
// proposals not filed; edits to the suggestion would be lost, so it asks.
async function includeOthers() {
  if (dirty && !(await confirmDialog("重新生成建议将放弃未保存的修改。继续吗？", "放弃修改并重新生成"))) {
    $("g-all").checked = !$("g-all").checked;
    return;
  }
  const resuggesting = view.source === "suggested" && Number(view.version) > 0; // over stored groups
  await load(resuggesting);
  if (resuggesting && view.source === "suggested") markDirty();
}

// resuggest replaces the working copy by the system's suggestion; the
// stored groups stay until the page is saved.
async function resuggest() {
  if (!(await confirmDialog("用系统建议替换当前的分组？保存之前，已保存的分组不受影响。", "按建议重新分组"))) return;
  await load(true);
  if (view.source === "suggested") markDirty();
}

function query(suggest) {
  const p = new URLSearchParams();
  if ($("g-all").checked) p.set("include", "all");
  if (suggest) p.set("source", "suggestion");
  return p.toString() ? "?" + p : "";
}

async function load(suggest) {
  const run = begin("groups");
  $("g-summary").textContent = year + "年分组读取中……";
  $("g-msg").replaceChildren();
  try {
    const r = obj(await api("GET", "/api/v1/groups/" + year + query(suggest)));
    if (stale("groups", run)) return;
    show(r, false);
    finish("groups", run, work.groups.length ? "done" : "empty");
  } catch (e) {
    if (stale("groups", run)) return;
    $("g-summary").textContent = "";
    showError($("g-msg"), e);
    finish("groups", run, "error");
  }
}

// show takes a server answer as the new working copy.
function show(r, keepOut) {
  view = r;
  work = {
    groups: list(r.groups).map(obj).map((g) => ({
      id: str(g.id), name: str(g.name), lead_unit: str(g.lead_unit), label: list(g.label).map(str),
      cohesion: g.cohesion, members: list(g.members).map(obj),
    })),
    out: keepOut ? work.out : [],
  };
  dirty = false;
  render();
}

function markDirty() {
  dirty = true;
  render();
}

// --- drawing

function render() {
  renderState();
  const n = work.groups.reduce((s, g) => s + g.members.length, 0);
  $("g-summary").textContent = work.groups.length
    ? year + "年共 " + work.groups.length + " 组、" + n + " 件提案可集中协商。"
    : counts[year] === 0 ? year + "年暂无提案，没有可分组的提案。"
    : year + "年没有可集中协商的同类提案。" + (view.source === "suggested" && !$("g-all").checked ? "（系统建议只包括立案提案）" : "");
  // the percentages shown (threshold, each group's average) are the pair model's
  $("g-hint").textContent = togetherHint;
  $("g-hint").hidden = !work.groups.length || view.source !== "suggested" && !work.groups.some((g) => g.cohesion > 0);
  $("g-list").replaceChildren(...work.groups.map(groupBox));
  $("g-out").replaceChildren(...(work.out.length ? [outBox()] : []));
  $("g-dirty").textContent = dirty ? (view.confirmed ? "有未保存的修改；保存后需重新确认。" : "有未保存的修改。") : "";
  $("g-save").disabled = !dirty;
  $("g-confirm").disabled = !work.groups.length && !dirty && view.source !== "stored" || view.confirmed && !dirty;
  $("g-merge").disabled = picked().length < 2;
  $("g-suggest").hidden = view.source !== "stored";
  $("g-all").disabled = view.source === "stored";
  $("g-xlsx").href = "/api/v1/groups/" + year + "/export" + query(false);
  $("g-xlsx").hidden = !work.groups.length;
  $("g-xlsx").title = dirty ? "导出的是最近一次保存的分组，不含未保存的修改" : "";
}

function renderState() {
  const box = $("g-state");
  const th = "分组阈值：" + together(view.threshold) + ({ tuned: "（据已确认的分组学得）", request: "（本次指定）", default: "（默认）" }[str(view.threshold_source)] || "");
  if (view.source === "stored" && view.confirmed) {
    box.className = "state confirmed";
    box.replaceChildren(el("span", { class: "state-tag" }, "已确认"), actorName(view.confirmed_by) + " 于 " + when(view.confirmed_at) + " 确认（第" + str(view.version) + "版）");
  } else if (view.source === "stored") {
    box.className = "state draft";
    box.replaceChildren(el("span", { class: "state-tag" }, "草稿"), "第" + str(view.version) + "版，" + actorName(view.saved_by) + " 于 " + when(view.saved_at) + " 保存，尚未确认。");
  } else {
    box.className = "state";
    box.replaceChildren(el("span", { class: "state-tag" }, "系统建议"), "尚未保存。" + (view.filed_only === false ? "包括不予立案的提案；" : "只包括立案提案；") + th + "。");
  }
  if (view.tuning) {
    const t = obj(view.tuning);
    const basis = "据 " + list(t.years).join("、") + " 年确认的分组";
    box.append(el("div", {}, t.threshold === t.previous
      ? basis + "核对分组阈值：保持 " + percent(t.threshold) + "（与已确认分组的吻合度 " + percent(t.f1) + "）。"
      : basis + "调整分组阈值：" + percent(t.previous) + " → " + percent(t.threshold) + "（与已确认分组的吻合度 " + percent(t.previous_f1) + " → " + percent(t.f1) + "）。"));
  }
  // the groups were read or saved, but something beside them (the
  // near-duplicate flags, when the search index is not ready) is missing
  if (view.warning) box.append(el("div", { class: "warn" }, str(view.warning)));
}

function groupBox(g, gi) {
  const problems = [];
  if (!g.name.trim()) problems.push("组名为空");
  if (g.members.length < 2) problems.push("至少要有2件提案（现有" + g.members.length + "件）：请并入其他提案或移出");
  const name = el("input", { class: "g-name", value: g.name, "aria-label": "第" + (gi + 1) + "组组名", maxlength: "100" });
  name.addEventListener("change", () => { g.name = name.value; markDirty(); });
  const head = el("div", { class: "head" },
    el("input", { type: "checkbox", class: "g-pick", "aria-label": "选中第" + (gi + 1) + "组以合并", onchange: () => { $("g-merge").disabled = picked().length < 2; } }),
    el("strong", {}, "第" + (gi + 1) + "组"), name,
    el("label", {}, "牵头单位 ", leadSelect(g)),
    el("small", {}, g.members.length + " 件" + (typeof g.cohesion === "number" && g.cohesion > 0 ? " · 组内平均" + together(g.cohesion) : "") +
      (g.label.length ? " · 关键词：" + g.label.join("、") : "")),
    el("button", { class: "g-split", onclick: () => split(gi) }, "拆分所选"));
  return el("div", { class: "group" + (problems.length ? " invalid" : ""), "data-index": String(gi), "data-id": g.id },
    head, ...problems.map((p) => el("p", { class: "problem" }, p)), membersTable(g.members, gi));
}

function leadSelect(g) {
  const names = units.includes(g.lead_unit) || !g.lead_unit ? units : [g.lead_unit, ...units];
  const s = el("select", { class: "g-lead" }, el("option", { value: "" }, "（未定）"), ...names.map((u) => el("option", { value: u }, u)));
  s.value = g.lead_unit;
  s.addEventListener("change", () => { g.lead_unit = s.value; markDirty(); });
  return s;
}

function membersTable(members, gi) {
  const label = gi >= 0 ? work.groups[gi].label : [];
  const rows = members.map((m, mi) => {
    const status = str(m.status) || "未标注";
    const dups = list(m.near_duplicates).map(str);
    const title = m.missing ? el("span", { class: "missing" }, "（提案已删除）") : proposalLink(m.number, str(m.title));
    // why it is in the group: the group's key phrases it holds
    const why = list(m.reason).map(str).filter((r) => label.includes(r));
    return el("tr", { "data-number": str(m.number) },
      el("td", {}, el("input", { type: "checkbox", class: "g-pick-m", "aria-label": "选中 " + str(m.number) })),
      el("td", {}, proposalLink(m.number)),
      el("td", { class: "title" }, title, why.length ? el("div", { class: "why" }, el("small", {}, "入组依据：" + why.join("、"))) : "", ...dups.map((d) => el("div", {}, el("span", { class: "dup", title: "文字与本组提案 " + d + " 基本相同（即使改动了措辞和语序）" }, "疑似雷同 " + d)))),
      el("td", { class: "who" }, str(m.proposer), m.proposer_type ? el("small", {}, "（" + str(m.proposer_type) + "）") : ""),
      el("td", { class: "nowrap" }, str(m.category)),
      el("td", { class: "status" }, statusBadge(status, "nowrap"),
        m.status_reason ? el("div", {}, el("small", {}, str(m.status_reason))) : ""),
      el("td", { class: "units" }, str(m.lead_unit), list(m.co_units).length ? el("small", {}, "；协办 " + list(m.co_units).join("、")) : ""),
      el("td", {}, moveSelect(gi, mi)));
  });
  return el("table", { class: "members" },
    el("thead", {}, el("tr", {}, ...["", "提案号", "标题", "提案人", "类别", "状态", "主办（协办）单位", "调整"].map((h) => el("th", {}, h)))),
    el("tbody", {}, ...rows));
}

// moveSelect moves a member (of group gi, or of the removed list when gi
// is -1) to another group, a new group, or out of every group.
function moveSelect(gi, mi) {
  const opts = [el("option", { value: "" }, gi < 0 ? "放回……" : "移至……")];
  work.groups.forEach((g, k) => { if (k !== gi) opts.push(el("option", { value: String(k) }, "第" + (k + 1) + "组：" + g.name.slice(0, 16))); });
  opts.push(el("option", { value: "new" }, "新建分组"));
  if (gi >= 0) opts.push(el("option", { value: "out" }, "移出分组"));
  const s = el("select", { class: "g-move", "aria-label": "调整" }, ...opts);
  s.addEventListener("change", () => move(gi, mi, s.value));
  return s;
}

function outBox() {
  return el("div", { class: "group" },
    el("div", { class: "head" }, el("strong", {}, "已移出的提案（" + work.out.length + " 件，保存后不在任何分组中）")),
    el("table", { class: "members" }, el("tbody", {}, ...work.out.map((m, mi) => el("tr", { "data-number": str(m.number) },
      el("td", {}, proposalLink(m.number)), el("td", { class: "title" }, str(m.title) || "（提案已删除）"),
      el("td", {}, str(m.status) || "未标注"), el("td", {}, moveSelect(-1, mi)))))));
}

// --- editing the working copy

function move(gi, mi, to) {
  if (to === "") return;
  const from = gi < 0 ? work.out : work.groups[gi].members;
  const [m] = from.splice(mi, 1);
  if (to === "out") work.out.push(m);
  else if (to === "new") work.groups.push({ id: "", name: str(m.title).replace(/^关于/, "").replace(/的提案$/, "").slice(0, 30) || "新分组", lead_unit: str(m.lead_unit), label: [], members: [m] });
  else work.groups[Number(to)].members.push(m);
  markDirty();
}

function picked() {
  return Array.from(document.querySelectorAll("#g-list .g-pick:checked")).map((c) => Number(c.closest(".group").dataset.index));
}

// merge joins the picked groups into the first of them, which keeps its
// name and lead unit (or takes the first lead unit set).
function merge() {
  const idx = picked();
  if (idx.length < 2) return;
  const into = work.groups[idx[0]];
  for (const k of idx.slice(1)) {
    into.members.push(...work.groups[k].members);
    if (!into.lead_unit) into.lead_unit = work.groups[k].lead_unit;
  }
  work.groups = work.groups.filter((_, k) => !idx.slice(1).includes(k));
  toast("已将 " + idx.length + " 组合并为第" + (idx[0] + 1) + "组。");
  markDirty();
}

// split moves the ticked members of group gi into a new group after it.
function split(gi) {
  const box = document.querySelector('#g-list .group[data-index="' + gi + '"]');
  const numbers = Array.from(box.querySelectorAll(".g-pick-m:checked")).map((c) => c.closest("tr").dataset.number);
  const g = work.groups[gi];
  if (!numbers.length || numbers.length === g.members.length) {
    toast("请先勾选要拆分出去的提案（不能是全部）。", "error");
    return;
  }
  const taken = g.members.filter((m) => numbers.includes(str(m.number)));
  g.members = g.members.filter((m) => !numbers.includes(str(m.number)));
  work.groups.splice(gi + 1, 0, { id: "", name: g.name + "（拆分）", lead_unit: g.lead_unit, label: [], members: taken });
  markDirty();
}

// --- saving and confirming

function payload() {
  return work.groups.map((g) => ({ id: g.id, name: g.name.trim(), lead_unit: g.lead_unit, members: g.members.map((m) => str(m.number)) }));
}

// save stores the working copy; it resolves to whether it did.
async function save() {
  const run = begin("groups");
  $("g-msg").replaceChildren();
  try {
    const r = obj(await api("PUT", "/api/v1/groups/" + year, { version: Number(view.version) || 0, groups: payload() }));
    if (stale("groups", run)) return false;
    show(r, false);
    toast("已保存（第" + str(r.version) + "版）。");
    finish("groups", run, "done");
    return true;
  } catch (e) {
    if (stale("groups", run)) return false;
    showError($("g-msg"), e);
    if (e.code === "conflict") {
      $("g-msg").append(el("button", { onclick: () => { dirty = false; load(false); } }, "放弃我的修改并重新载入"));
    }
    finish("groups", run, "error");
    return false;
  }
}

async function confirmYear() {
  const n = work.groups.reduce((s, g) => s + g.members.length, 0);
  const text = "确认" + year + "年的 " + work.groups.length + " 个分组（" + n + " 件提案）？" + (dirty ? "未保存的修改将先保存。" : "") +
    "确认后的分组将用于导出和改进今后的分组建议。";
  if (!(await confirmDialog(text, "确认分组"))) return;
  if ((dirty || view.source !== "stored") && !(await save())) return;
  const run = begin("groups");
  try {
    const r = obj(await api("POST", "/api/v1/groups/" + year + "/confirm", { version: Number(view.version) || 0 }));
    if (stale("groups", run)) return;
    show(r, false);
    toast(year + "年的分组已确认。");
    finish("groups", run, "done");
  } catch (e) {
    if (stale("groups", run)) return;
    showError($("g-msg"), e);
    finish("groups", run, "error");
  }
}
