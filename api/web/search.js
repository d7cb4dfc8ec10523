// 检索: members search the archive by words and filters. The address holds
// the whole search (?q=…&category=…&page=…), so that a search can be
// shared, reloaded, and walked through with back and forward. Every filter
// in force shows as a chip that removes it: a facet once clicked never
// narrows later searches unseen. An empty result shows the server's hint:
// why nothing was found, and buttons that widen the search.

import { $, el, list, obj, str, fixed, api, showError, begin, finish, stale, mountHeader, marked } from "./common.js";

// keys are the search's parameters, as the API and the address name them.
const keys = ["q", "year_from", "year_to", "proposer_type", "status", "category", "lead_unit", "unit", "session", "sort", "page"];

// filterNames label the chips of filters set by a facet or the address.
const filterNames = { proposer_type: "提案人", status: "状态", category: "类别", lead_unit: "主办单位", unit: "承办单位", session: "届次" };
const facetNames = { category: "类别", year: "年度", lead_unit: "主办单位" };

mountHeader("search");
fillForm(fromAddress());
search(fromAddress());

$("s-form").addEventListener("submit", (e) => {
  e.preventDefault();
  go(fromForm());
});
for (const id of ["s-from", "s-to", "s-type", "s-status", "s-sort"]) {
  $(id).addEventListener("change", () => go(fromForm()));
}
window.addEventListener("popstate", () => {
  const s = fromAddress();
  fillForm(s);
  search(s);
});

// fromAddress reads the search from the address, keeping known keys with
// a value only.
function fromAddress() {
  const u = new URLSearchParams(location.search);
  const s = {};
  for (const k of keys) {
    const v = (u.get(k) || "").trim();
    if (v) s[k] = v;
  }
  if (u.get("year")) s.year_from = s.year_to = u.get("year").trim();
  return s;
}

// fromForm is the search the form shows, with the filters in force that
// the form has no control for (facets chosen), on its first page.
function fromForm() {
  const s = {};
  const cur = fromAddress();
  for (const k of ["category", "lead_unit", "unit", "session"]) if (cur[k]) s[k] = cur[k];
  const set = (k, v) => { v = str(v).trim(); if (v) s[k] = v; };
  set("q", $("s-q").value);
  set("year_from", $("s-from").value);
  set("year_to", $("s-to").value);
  set("proposer_type", $("s-type").value);
  set("status", $("s-status").value);
  if ($("s-sort").value === "date") s.sort = "date";
  return s;
}

function fillForm(s) {
  $("s-q").value = s.q || "";
  $("s-from").value = s.year_from || "";
  $("s-to").value = s.year_to || "";
  $("s-type").value = s.proposer_type || "";
  $("s-status").value = s.status || "";
  $("s-sort").value = s.sort === "date" ? "date" : "relevance";
}

// go makes s the current search: a new entry in the history, the form
// showing it, and its results.
function go(s) {
  const u = new URLSearchParams();
  for (const k of keys) if (s[k]) u.set(k, s[k]);
  const query = u.toString();
  const next = location.pathname + (query ? "?" + query : "");
  if (next !== location.pathname + location.search) history.pushState(null, "", next);
  fillForm(s);
  search(s);
}

// without is s with some parameters removed, on its first page.
function without(s, ...ks) {
  const out = { ...s };
  for (const k of ks) delete out[k];
  delete out.page;
  return out;
}

async function search(s) {
  const run = begin("search");
  renderChips(s);
  const p = new URLSearchParams();
  for (const k of keys) if (s[k]) p.set(k, s[k]);
  try {
    const r = obj(await api("GET", "/api/v1/search?" + p));
    if (stale("search", run)) return;
    const total = Number(r.total) || 0;
    renderSummary(s, r, total);
    renderUnits(r.units);
    renderHint(s, total ? null : r.hint);
    renderHits(r.hits);
    renderFacets(s, obj(r.facets));
    renderPages(s, r, total);
    finish("search", run, total ? "done" : "empty");
  } catch (e) {
    if (stale("search", run)) return;
    for (const id of ["s-summary", "s-units"]) $(id).textContent = "";
    for (const id of ["s-hint", "s-facets", "s-pages"]) $(id).replaceChildren();
    showError($("s-hits"), e);
    finish("search", run, "error");
  }
}

// chips are the filters in force, each removable.
function chips(s) {
  const out = [];
  if (s.year_from || s.year_to) {
    const label = s.year_from === s.year_to ? "年度 " + s.year_from
      : s.year_from && s.year_to ? "年度 " + s.year_from + "–" + s.year_to
        : s.year_from ? "年度 " + s.year_from + " 年起" : "年度 至 " + s.year_to + " 年";
    out.push([label, ["year_from", "year_to"]]);
  }
  for (const [k, name] of Object.entries(filterNames)) {
    if (s[k]) out.push([name + " " + s[k], [k]]);
  }
  return out;
}

function renderChips(s) {
  const cs = chips(s);
  const items = cs.map(([label, ks]) => el("span", { class: "chip" }, label,
    el("button", { type: "button", class: "remove", "aria-label": "去掉筛选 " + label, title: "去掉此筛选", onclick: () => go(without(s, ...ks)) }, "×")));
  if (cs.length > 1) {
    items.push(el("button", { type: "button", class: "link-button", onclick: () => go(without(s, ...cs.flatMap(([, ks]) => ks))) }, "清除全部筛选"));
  }
  $("s-chips").replaceChildren(...(cs.length ? [el("span", { class: "notice" }, "当前筛选：")] : []), ...items);
}

function renderSummary(s, r, total) {
  const scope = chips(s).length ? "（在当前筛选中）" : "";
  $("s-summary").textContent = total
    ? "共 " + total + " 件" + scope + "，用时 " + fixed(r.took_ms, 1) + " 毫秒"
    : "共 0 件" + scope + (r.hint ? "：" : "。没有找到相关提案，可换用其他关键词，或减少筛选条件。");
}

// renderUnits says which words were read as undertaking units.
function renderUnits(units) {
  const us = list(units).map(obj).filter((u) => u.unit);
  $("s-units").textContent = us.length
    ? us.map((u) => "「" + str(u.text) + "」按承办单位“" + str(u.unit) + "”检索").join("；") + "：包括其主办、协办的提案和正文提到它的提案。"
    : "";
}

// renderHint shows why nothing was found and buttons that widen.
function renderHint(s, hint) {
  if (!hint) {
    $("s-hint").replaceChildren();
    return;
  }
  const h = obj(hint);
  const parts = [el("p", {}, str(h.message) || "没有找到相关提案。可换用其他关键词，或减少筛选条件。")];
  const terms = list(h.terms).map(obj).filter((t) => t.term);
  if (terms.length) {
    parts.push(el("p", { class: "notice" }, "各检索词在全部档案中的件数：" +
      terms.map((t) => "「" + str(t.term) + "」" + (Number(t.count) || 0) + " 件").join("，")));
  }
  const widen = list(h.widen).map(obj).filter((w) => w.label && (w.param || typeof w.query === "string"));
  if (widen.length) {
    parts.push(el("div", { class: "row" }, ...widen.map((w) => el("button", { type: "button", class: "widen", onclick: () => go(widened(s, w)) },
      str(w.label) + "（" + (Number(w.total) || 0) + " 件）"))));
  }
  $("s-hint").replaceChildren(...parts);
}

// widened is s with what a widening drops dropped.
function widened(s, w) {
  if (w.param === "year") return without(s, "year_from", "year_to");
  if (w.param) return without(s, w.param);
  const out = without(s, "q");
  if (str(w.query).trim()) out.q = str(w.query).trim();
  return out;
}

function renderHits(hits) {
  $("s-hits").replaceChildren(...list(hits).map((h) => {
    h = obj(h);
    const n = str(h.number);
    const title = el("div", { class: "title" }, el("a", { href: "/p/" + encodeURIComponent(n) }, ...(h.title_html ? marked(h.title_html) : [str(h.title) || n])));
    const co = list(h.co_units).map(str).filter(Boolean);
    const facts = [n, h.year ? str(h.year) + "年" : "", str(h.category), str(h.status), str(h.proposer),
      h.lead_unit ? "主办：" + str(h.lead_unit) : "", co.length ? "协办：" + co.join("、") : ""].filter(Boolean);
    const reply = h.has_reply ? el("a", { class: "badge", href: "/p/" + encodeURIComponent(n) + "#reply", title: "查看办理答复" }, "有答复") : null;
    // a record kept in the archive that is not a proposal (a message board's)
    const other = h.not_proposal ? el("span", { class: "badge not-proposal", title: "导入的网上留言等记录，不是提案，不计入统计" }, "非提案记录") : null;
    return el("li", { class: "hit" + (other ? " other" : "") }, title, el("small", {}, facts.join(" · ")), other ? " " : null, other, reply ? " " : null, reply,
      el("div", { class: "snippet" }, ...marked(h.snippet_html)));
  }));
}

// renderFacets lists each facet's values; a value in force is marked and
// removes its filter, any other adds it.
function renderFacets(s, facets) {
  const parts = [];
  for (const f of ["category", "year", "lead_unit"]) {
    const cs = list(facets[f]).map(obj).filter((c) => str(c.name) !== "");
    if (!cs.length) continue;
    parts.push(el("h4", {}, facetNames[f]));
    for (const c of cs) {
      const name = str(c.name);
      const on = f === "year" ? s.year_from === name && s.year_to === name : s[f] === name;
      const next = f === "year"
        ? (on ? without(s, "year_from", "year_to") : { ...without(s), year_from: name, year_to: name })
        : (on ? without(s, f) : { ...without(s), [f]: name });
      parts.push(el("a", { href: "?" + new URLSearchParams(next), class: on ? "on" : "", "aria-pressed": on ? "true" : "false",
        onclick: (e) => { e.preventDefault(); go(next); } }, (f === "year" ? name + "年" : name) + "（" + (Number(c.count) || 0) + "）"));
    }
  }
  $("s-facets").replaceChildren(...parts);
}

function renderPages(s, r, total) {
  const size = Number(r.size) || 10, page = Number(r.page) || 1;
  if (!total) {
    $("s-pages").replaceChildren();
    return;
  }
  const pages = Math.max(1, Math.ceil(Math.min(total, 10000) / size));
  const to = (n) => () => go({ ...s, page: n > 1 ? String(n) : undefined });
  const prev = el("button", { type: "button", onclick: to(page - 1) }, "上一页");
  const next = el("button", { type: "button", onclick: to(page + 1) }, "下一页");
  prev.disabled = page <= 1;
  next.disabled = page >= pages;
  $("s-pages").replaceChildren(prev, el("span", {}, "第 " + page + " / " + pages + " 页"), next);
}
