// tian's pages: plain JavaScript, no external scripts. All user text is
// set with textContent; only the server's escaped snippets (title_html,
// snippet_html) are inserted as HTML.
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

async function api(method, path, body) {
  const opts = { method, credentials: "same-origin", headers: {} };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const res = await fetch(path, opts);
  if (res.status === 401) { location.href = "/signin"; throw new Error("未登录"); }
  const data = res.status === 204 ? {} : await res.json();
  if (!res.ok) throw new Error(data.message || res.statusText);
  return data;
}

function showError(target, err) {
  target.replaceChildren(el("p", { class: "error" }, "出错：" + err.message));
}

// tabs
document.querySelectorAll("nav button").forEach((b) => b.addEventListener("click", () => {
  document.querySelectorAll("nav button, .tab").forEach((x) => x.classList.remove("active"));
  b.classList.add("active");
  $(b.dataset.tab).classList.add("active");
}));

// --- 审查 review
let current = null; // the last analysis, for feedback

$("r-load").addEventListener("click", async () => {
  const n = $("r-number").value.trim();
  if (!n) return;
  try {
    const p = await api("GET", "/api/v1/proposals/" + encodeURIComponent(n));
    $("r-title").value = p.title;
    $("r-body").value = p.body;
  } catch (e) { alert(e.message); }
});

$("r-run").addEventListener("click", analyse);

async function analyse() {
  const title = $("r-title").value.trim(), body = $("r-body").value.trim();
  if (!title && !body) return;
  $("r-out").hidden = false;
  $("r-cats").textContent = "分析中……";
  try {
    const [cat, route, sim] = await Promise.all([
      api("POST", "/api/v1/classify", { title, body, k: 3 }),
      api("POST", "/api/v1/route", { title, body, k: 3 }),
      api("POST", "/api/v1/similar", { title, body, k: 8 }),
    ]);
    current = { title, body, cat, route, number: $("r-number").value.trim() };
    renderCategory(cat, title, body);
    renderUnits(route);
    renderSimilar(sim.matches);
  } catch (e) { showError($("r-cats"), e); }
}

function renderCategory(cat, title, body) {
  $("r-cats").replaceChildren(...cat.labels.map((l, i) => el("div", { class: "bar" },
    el("span", { class: "label" }, (i === 0 ? "→ " : "") + l.label),
    el("span", { class: "fill", style: "width:" + Math.round(l.prob * 300) + "px" }),
    el("span", {}, (l.prob * 100).toFixed(1) + "%"))));
  $("r-uncertain").hidden = !cat.uncertain;
  $("r-uncertain").textContent = "不确定：最高概率低于 " + Math.round(cat.threshold * 100) + "%，请人工判断。";
  const actions = [el("button", { onclick: () => sendFeedback("category", cat.labels[0].label, cat.labels[0].label) }, "采纳 " + cat.labels[0].label)];
  for (const l of cat.labels.slice(1)) {
    actions.push(el("button", { onclick: () => sendFeedback("category", cat.labels[0].label, l.label) }, "改为 " + l.label));
  }
  $("r-cat-actions").replaceChildren(...actions);
  const text = title ? title + "\n" + body : body;
  $("r-text").replaceChildren(...highlight(text, cat.evidence.flatMap((e) => e.spans || [])));
}

// highlight splits text into nodes with <mark> over the spans, which are
// byte offsets of the UTF-8 text.
function highlight(text, spans) {
  const bytes = new TextEncoder().encode(text);
  const dec = new TextDecoder();
  spans = spans.slice().sort((a, b) => a[0] - b[0]);
  const out = [];
  let pos = 0;
  for (const [s, e] of spans) {
    if (s < pos || e > bytes.length) continue;
    out.push(document.createTextNode(dec.decode(bytes.slice(pos, s))));
    out.push(el("mark", {}, dec.decode(bytes.slice(s, e))));
    pos = e;
  }
  out.push(document.createTextNode(dec.decode(bytes.slice(pos))));
  return out;
}

function renderUnits(route) {
  const items = [];
  route.lead.forEach((u, i) => items.push(unitBox(i === 0 ? "主办" : "备选主办", u, "lead_unit", route.lead[0].unit)));
  route.co.forEach((u) => items.push(unitBox("协办", u, "co_unit", u.unit)));
  $("r-units").replaceChildren(...items);
}

function unitBox(role, u, kind, suggested) {
  const box = el("div", { class: "unit" }, el("strong", {}, role + "：" + u.unit), " ", el("small", {}, "得分 " + u.score.toFixed(3)));
  if (u.similar && u.similar.length) box.append(el("div", {}, el("small", {}, "以往同类：" + u.similar.slice(0, 3).join("；"))));
  if (u.duties && u.duties.length) box.append(el("div", {}, el("small", {}, "职责相符：" + u.duties.join("、"))));
  box.append(el("button", { onclick: () => sendFeedback(kind, suggested, u.unit) }, kind === "lead_unit" ? "定为主办" : "采纳协办"));
  return box;
}

function renderSimilar(matches) {
  $("r-similar").replaceChildren(...matches.map((m) => {
    const li = el("li", {}, el("strong", {}, m.number + " " + m.title), " ",
      el("small", {}, (m.kind === "near_duplicate" ? "疑似重复 " : "相似 ") + m.score.toFixed(2) + " · " + m.year + " · " + (m.lead_unit || "") +
        " · 共有：" + (m.shared_terms || []).join("、")));
    if (m.reply) li.append(el("div", {}, el("small", {}, "答复：" + m.reply)));
    return li;
  }));
}

async function sendFeedback(kind, suggested, chosen) {
  if (!current) return;
  try {
    await api("POST", "/api/v1/feedback", { number: current.number, kind, suggested, chosen,
      text: current.number ? "" : (current.title + "\n" + current.body), model_version: current.cat.model });
    alert("已记录：" + chosen);
  } catch (e) { alert(e.message); }
}

// --- 检索 search
let page = 1;
const filters = {};
$("s-go").addEventListener("click", () => { page = 1; search(); });
$("s-q").addEventListener("keydown", (e) => { if (e.key === "Enter") { page = 1; search(); } });

async function search() {
  const p = new URLSearchParams({ q: $("s-q").value, page, size: 10, sort: $("s-sort").value });
  if ($("s-from").value) p.set("year_from", $("s-from").value);
  if ($("s-to").value) p.set("year_to", $("s-to").value);
  if ($("s-type").value) p.set("proposer_type", $("s-type").value);
  if ($("s-status").value) p.set("status", $("s-status").value);
  for (const [k, v] of Object.entries(filters)) p.set(k, v);
  try {
    const r = await api("GET", "/api/v1/search?" + p);
    $("s-summary").textContent = "共 " + r.total + " 件，用时 " + r.took_ms.toFixed(1) + " 毫秒" +
      (Object.keys(filters).length ? "（筛选：" + Object.values(filters).join("，") + "）" : "");
    $("s-hits").replaceChildren(...r.hits.map((h) => {
      const title = el("div", { class: "title" });
      title.innerHTML = h.title_html; // escaped by the server, <mark> only
      const snippet = el("div", {});
      snippet.innerHTML = h.snippet_html;
      return el("li", { class: "hit" }, title, el("small", {}, [h.number, h.year, h.category, h.status, h.lead_unit, h.has_reply ? "有答复" : ""].join(" · ")), snippet);
    }));
    renderFacets(r.facets || {});
    const pages = Math.ceil(r.total / 10);
    $("s-pages").replaceChildren(
      el("button", { onclick: () => { if (page > 1) { page--; search(); } } }, "上一页"),
      el("span", {}, "第 " + page + " / " + Math.max(pages, 1) + " 页"),
      el("button", { onclick: () => { if (page < pages && page * 10 < 10000) { page++; search(); } } }, "下一页"));
  } catch (e) { showError($("s-hits"), e); }
}

function renderFacets(facets) {
  const names = { category: "类别", year: "年度", lead_unit: "主办单位" };
  const keys = { category: "category", year: "year", lead_unit: "lead_unit" };
  const parts = [];
  for (const [f, counts] of Object.entries(facets)) {
    parts.push(el("h4", {}, names[f] || f));
    for (const c of counts) {
      parts.push(el("a", { href: "#", onclick: (e) => { e.preventDefault(); filters[keys[f]] = c.name; page = 1; search(); } }, c.name + "（" + c.count + "）"));
    }
  }
  if (Object.keys(filters).length) {
    parts.push(el("a", { href: "#", onclick: (e) => { e.preventDefault(); for (const k in filters) delete filters[k]; search(); } }, "清除筛选"));
  }
  $("s-facets").replaceChildren(...parts);
}

// --- 并案 groups
$("g-go").addEventListener("click", groups);

function groupParams() {
  const p = new URLSearchParams({ year: $("g-year").value });
  if ($("g-threshold").value) p.set("threshold", $("g-threshold").value);
  return p;
}

async function groups() {
  $("g-summary").textContent = "分组中……";
  try {
    const r = await api("GET", "/api/v1/groups?" + groupParams());
    $("g-summary").textContent = $("g-year").value + " 年共 " + r.groups.length + " 组可集中协商的同类提案";
    $("g-list").replaceChildren(...r.groups.map((g, i) => el("div", { class: "group" },
      el("h3", {}, "第" + (i + 1) + "组：" + g.label.join("、")),
      el("small", {}, g.members.length + " 件 · 凝聚度 " + g.cohesion.toFixed(2) + " · 常见主办：" + (g.lead_unit || "—")),
      el("ul", {}, ...g.members.map((m) => el("li", {}, m.number + " " + m.title + "  ", el("small", {}, "［" + m.reason.join("、") + "］")))))));
  } catch (e) { showError($("g-list"), e); }
}

$("g-xlsx").addEventListener("click", (e) => {
  e.preventDefault();
  const p = groupParams();
  p.set("format", "xlsx");
  location.href = "/api/v1/groups?" + p;
});

// --- 统计 stats
$("t-go").addEventListener("click", stats);

async function stats() {
  const y = $("t-year").value;
  try {
    const r = await api("GET", "/api/v1/stats" + (y ? "?year=" + encodeURIComponent(y) : ""));
    $("t-report").textContent = r.report;
    chart(r.stats.categories || []);
    $("t-units").tBodies[0].replaceChildren(...(r.stats.lead_units || []).map((u) => el("tr", {}, el("td", {}, u.name), el("td", {}, u.count))));
  } catch (e) { showError($("t-report"), e); }
}

function chart(categories) {
  const svg = $("t-chart");
  const ns = "http://www.w3.org/2000/svg";
  svg.replaceChildren();
  const max = Math.max(1, ...categories.map((c) => c.share));
  categories.forEach((c, i) => {
    const y = 10 + i * 40;
    const w = Math.round((c.share / max) * 380);
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", 0); label.setAttribute("y", y + 18); label.textContent = c.name;
    const bar = document.createElementNS(ns, "rect");
    bar.setAttribute("x", 120); bar.setAttribute("y", y); bar.setAttribute("width", w); bar.setAttribute("height", 26);
    bar.setAttribute("fill", "#8b1a1a");
    const value = document.createElementNS(ns, "text");
    value.setAttribute("x", 128 + w); value.setAttribute("y", y + 18);
    value.textContent = c.count + " 件，" + c.share.toFixed(1) + "%";
    svg.append(label, bar, value);
  });
}

stats();
