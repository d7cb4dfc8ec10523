// tian's pages, as one ES module: plain JavaScript, nothing inline and no
// eval, so that they run under the server's Content-Security-Policy
// (script-src 'self'; style-src 'self': no style attributes either; sizes
// are set through element.style, which the policy allows).
//
// Every answer is read defensively: a list may be missing, null or empty,
// a number may be absent, and an error is shown in Chinese with the
// server's message and request id. User text is only ever set with
// textContent; the server's highlighted snippets are rebuilt node by node,
// keeping <mark> and nothing else.
//
// Each section (review, search, groups, stats) says when a run has
// finished: data-run counts its runs, data-state is "busy" while one is
// under way, then "done", "empty" (nothing to do) or "error".

const $ = (id) => document.getElementById(id);
const list = (x) => (Array.isArray(x) ? x : []);
const obj = (x) => (x !== null && typeof x === "object" && !Array.isArray(x) ? x : {});
const str = (x) => (x === null || x === undefined ? "" : String(x));
const fixed = (x, digits) => (typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : "—");

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(str(c)));
  return e;
}

// --- fetching and errors

// What each error code of the API means, for the reader.
const codeText = {
  invalid: "请求有误",
  not_found: "未找到",
  conflict: "与现有数据冲突",
  too_large: "内容超出上限",
  unauthorized: "未登录或登录已过期",
  forbidden: "没有权限",
  internal: "服务器内部错误",
  insufficient_storage: "服务器存储空间不足",
  unavailable: "服务暂时不可用，请稍后再试",
  timeout: "处理超时，请稍后再试",
  rate_limited: "请求过于频繁，请稍后再试",
};

class APIError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code || "";
  }
}

async function api(method, path, body) {
  const opts = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, opts);
  } catch {
    throw new APIError("无法连接服务器，请检查网络后重试。");
  }
  if (res.status === 401) {
    location.assign("/signin");
    throw new APIError("登录已过期，正在转到登录页……", "unauthorized");
  }
  let data = null;
  if (res.status !== 204) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (!res.ok) throw errorOf(res, obj(data));
  if (res.status === 204) return {};
  if (data === null || typeof data !== "object") {
    throw new APIError("服务器返回了无法识别的内容（HTTP " + res.status + "）。");
  }
  return data;
}

// errorOf reads the API's error body {code, message, request_id}.
function errorOf(res, data) {
  const code = str(data.code);
  let text = codeText[code] || "请求失败（HTTP " + res.status + "）";
  const msg = str(data.message).trim();
  if (msg && msg !== text) text += "：" + msg;
  if (data.request_id) text += "（请求编号 " + str(data.request_id) + "）";
  return new APIError(text, code);
}

// messageOf says what went wrong: the API's errors in their own words,
// anything else as a fault of the page.
function messageOf(err) {
  return err instanceof APIError ? err.message : "页面出错：" + str(err && err.message);
}

function showError(target, err) {
  target.replaceChildren(el("p", { class: "error", role: "alert" }, messageOf(err)));
}

function notice(target, text) {
  target.replaceChildren(el("p", { class: "notice" }, text));
}

// --- section runs

function begin(section) {
  const d = $(section).dataset;
  d.run = String(Number(d.run || 0) + 1);
  d.state = "busy";
  return d.run;
}

// finish ends a run, unless a later one has started (its result then
// counts, and this one's is dropped).
function finish(section, run, state) {
  const d = $(section).dataset;
  if (d.run === run) d.state = state;
}

const stale = (section, run) => $(section).dataset.run !== run;

// tabs
document.querySelectorAll("nav button").forEach((b) => b.addEventListener("click", () => {
  document.querySelectorAll("nav button, .tab").forEach((x) => x.classList.remove("active"));
  b.classList.add("active");
  $(b.dataset.tab).classList.add("active");
}));

// --- 审查 review

let current = null; // the last analysis, for feedback

$("r-load").addEventListener("click", load);
$("r-number").addEventListener("keydown", (e) => { if (e.key === "Enter") load(); });
$("r-run").addEventListener("click", analyse);

async function load() {
  const n = $("r-number").value.trim();
  const run = begin("review");
  if (!n) {
    notice($("r-status"), "请先填写提案号。");
    finish("review", run, "empty");
    return;
  }
  try {
    const p = await api("GET", "/api/v1/proposals/" + encodeURIComponent(n));
    if (stale("review", run)) return;
    $("r-title").value = str(p.title);
    $("r-body").value = str(p.body);
    notice($("r-status"), "已载入提案 " + n + "，点击“分析”查看建议。");
    finish("review", run, "done");
  } catch (e) {
    showError($("r-status"), e);
    finish("review", run, "error");
  }
}

async function analyse() {
  const title = $("r-title").value.trim(), body = $("r-body").value.trim();
  const number = $("r-number").value.trim();
  const run = begin("review");
  if (!title && !body) {
    $("r-out").hidden = true;
    notice($("r-status"), "请先填写标题或正文，再点击“分析”。");
    finish("review", run, "empty");
    return;
  }
  $("r-out").hidden = false;
  $("r-status").replaceChildren(el("p", { class: "notice" }, "分析中……"));
  for (const id of ["r-cats", "r-cat-actions", "r-text", "r-units", "r-similar"]) $(id).replaceChildren();
  $("r-uncertain").hidden = true;
  $("r-no-evidence").hidden = true;
  const [cat, route, sim] = await Promise.allSettled([
    api("POST", "/api/v1/classify", { title, body, k: 3 }),
    api("POST", "/api/v1/route", { title, body, k: 3 }),
    // a loaded proposal is left out of its own matches
    api("POST", "/api/v1/similar", number ? { title, body, k: 8, exclude: number } : { title, body, k: 8 }),
  ]);
  if (stale("review", run)) return;
  current = { title, body, number, model: cat.status === "fulfilled" ? str(cat.value.model) : "" };
  $("r-status").replaceChildren();
  let ok = true;
  ok = part(cat, $("r-cats"), (c) => renderCategory(c, title, body)) && ok;
  ok = part(route, $("r-units"), renderUnits) && ok;
  ok = part(sim, $("r-similar"), (s) => renderSimilar(s.matches)) && ok;
  finish("review", run, ok ? "done" : "error");
}

// part renders one settled answer into its place, or its error there; it
// reports whether it rendered.
function part(settled, target, render) {
  try {
    if (settled.status !== "fulfilled") throw settled.reason;
    render(obj(settled.value));
    return true;
  } catch (e) {
    showError(target, e);
    return false;
  }
}

function renderCategory(cat, title, body) {
  const labels = list(cat.labels).filter((l) => l && l.label);
  if (!labels.length) {
    notice($("r-cats"), "没有类别建议。");
  } else {
    $("r-cats").replaceChildren(...labels.map((l, i) => {
      const fill = el("span", { class: "fill" });
      fill.style.width = Math.round(Math.min(Math.max(Number(l.prob) || 0, 0), 1) * 300) + "px";
      return el("div", { class: "bar" }, el("span", { class: "label" }, (i === 0 ? "→ " : "") + l.label), fill,
        el("span", {}, fixed(Number(l.prob) * 100, 1) + "%"));
    }));
  }
  $("r-uncertain").hidden = !cat.uncertain;
  $("r-uncertain").textContent = "不确定：最高概率低于 " + Math.round((Number(cat.threshold) || 0) * 100) + "%，请人工判断。";
  const actions = [];
  if (labels.length) {
    const best = labels[0].label;
    actions.push(el("button", { onclick: () => sendFeedback("category", best, best) }, "采纳 " + best));
    for (const l of labels.slice(1)) {
      actions.push(el("button", { onclick: () => sendFeedback("category", best, l.label) }, "改为 " + l.label));
    }
  }
  $("r-cat-actions").replaceChildren(...actions);
  const text = title ? title + "\n" + body : body;
  const spans = list(cat.evidence).flatMap((e) => list(obj(e).spans));
  $("r-text").replaceChildren(...highlight(text, spans));
  $("r-no-evidence").hidden = spans.length > 0;
}

// highlight splits text into nodes with <mark> over the spans, which are
// byte offsets of the UTF-8 text; spans that overlap or fall outside are
// skipped.
function highlight(text, spans) {
  const bytes = new TextEncoder().encode(text);
  const dec = new TextDecoder();
  const valid = spans.filter((s) => Array.isArray(s) && Number.isInteger(s[0]) && Number.isInteger(s[1]) && s[0] < s[1]);
  valid.sort((a, b) => a[0] - b[0]);
  const out = [];
  let pos = 0;
  for (const [s, e] of valid) {
    if (s < pos || e > bytes.length) continue;
    out.push(document.createTextNode(dec.decode(bytes.slice(pos, s))));
    out.push(el("mark", {}, dec.decode(bytes.slice(s, e))));
    pos = e;
  }
  out.push(document.createTextNode(dec.decode(bytes.slice(pos))));
  return out;
}

function renderUnits(route) {
  const lead = list(route.lead).filter((u) => u && u.unit);
  const co = list(route.co).filter((u) => u && u.unit);
  if (!lead.length && !co.length) {
    notice($("r-units"), "没有承办单位建议。");
    return;
  }
  const items = lead.map((u, i) => unitBox(i === 0 ? "主办" : "备选主办", u, "lead_unit", lead[0].unit));
  for (const u of co) items.push(unitBox("协办", u, "co_unit", u.unit));
  $("r-units").replaceChildren(...items);
}

function unitBox(role, u, kind, suggested) {
  const box = el("div", { class: "unit" }, el("strong", {}, role + "：" + u.unit), " ", el("small", {}, "得分 " + fixed(u.score, 3)));
  const similar = list(u.similar), duties = list(u.duties);
  if (similar.length) box.append(el("div", {}, el("small", {}, "以往同类：" + similar.slice(0, 3).join("；"))));
  if (duties.length) box.append(el("div", {}, el("small", {}, "职责相符：" + duties.join("、"))));
  box.append(el("button", { onclick: () => sendFeedback(kind, suggested, u.unit) }, kind === "lead_unit" ? "定为主办" : "采纳协办"));
  return box;
}

function renderSimilar(matches) {
  const ms = list(matches).filter((m) => m && typeof m === "object");
  if (!ms.length) {
    $("r-similar").replaceChildren(el("li", { class: "none" }, "没有找到相似或以往的提案。"));
    return;
  }
  $("r-similar").replaceChildren(...ms.map((m) => {
    const facts = [(m.kind === "near_duplicate" ? "疑似重复 " : "相似 ") + fixed(m.score, 2), str(m.year), str(m.lead_unit)];
    const shared = list(m.shared_terms);
    if (shared.length) facts.push("共有：" + shared.join("、"));
    const li = el("li", { class: "match" }, el("strong", {}, str(m.number) + " " + str(m.title)), " ",
      el("small", {}, facts.filter(Boolean).join(" · ")));
    if (m.reply) li.append(el("div", { class: "reply" }, el("small", {}, "答复：" + str(m.reply))));
    return li;
  }));
}

// sendFeedback records a verdict; its runs are marked on r-status, apart
// from the analysis.
async function sendFeedback(kind, suggested, chosen) {
  if (!current) return;
  const run = begin("r-status");
  try {
    await api("POST", "/api/v1/feedback", { number: current.number, kind, suggested, chosen,
      text: current.number ? "" : current.title + "\n" + current.body, model_version: current.model });
    notice($("r-status"), "已记录：" + chosen);
    finish("r-status", run, "done");
  } catch (e) {
    showError($("r-status"), e);
    finish("r-status", run, "error");
  }
}

// --- 检索 search

let page = 1;
const filters = {};
$("s-go").addEventListener("click", () => { page = 1; search(); });
$("s-q").addEventListener("keydown", (e) => { if (e.key === "Enter") { page = 1; search(); } });

async function search() {
  const run = begin("search");
  const p = new URLSearchParams({ q: $("s-q").value, page, sort: $("s-sort").value });
  if ($("s-from").value) p.set("year_from", $("s-from").value);
  if ($("s-to").value) p.set("year_to", $("s-to").value);
  if ($("s-type").value) p.set("proposer_type", $("s-type").value);
  if ($("s-status").value) p.set("status", $("s-status").value);
  for (const [k, v] of Object.entries(filters)) p.set(k, v);
  try {
    const r = await api("GET", "/api/v1/search?" + p);
    if (stale("search", run)) return;
    renderHits(r);
    renderFacets(obj(r.facets));
    finish("search", run, "done");
  } catch (e) {
    if (stale("search", run)) return;
    $("s-summary").textContent = "";
    showError($("s-hits"), e);
    $("s-pages").replaceChildren();
    finish("search", run, "error");
  }
}

function renderHits(r) {
  const total = Number(r.total) || 0, size = Number(r.size) || 10;
  const scope = Object.keys(filters).length ? "（筛选：" + Object.values(filters).join("，") + "）" : "";
  $("s-summary").textContent = total
    ? "共 " + total + " 件，用时 " + fixed(r.took_ms, 1) + " 毫秒" + scope
    : "没有找到相关提案" + scope + "。可换用其他关键词，或减少筛选条件。";
  $("s-hits").replaceChildren(...list(r.hits).map((h) => {
    h = obj(h);
    const title = el("div", { class: "title" }, ...(h.title_html ? marked(h.title_html) : [str(h.title)]));
    const facts = [h.number, h.year, h.category, h.status, h.lead_unit, h.has_reply ? "有答复" : ""].map(str).filter(Boolean);
    return el("li", { class: "hit" }, title, el("small", {}, facts.join(" · ")), el("div", {}, ...marked(h.snippet_html)));
  }));
  const pages = Math.max(1, Math.ceil(total / size));
  const prev = el("button", { onclick: () => { page--; search(); } }, "上一页");
  const next = el("button", { onclick: () => { page++; search(); } }, "下一页");
  prev.disabled = page <= 1;
  next.disabled = page >= pages;
  $("s-pages").replaceChildren(prev, el("span", {}, "第 " + page + " / " + pages + " 页"), next);
}

// marked rebuilds the server's highlighted HTML (escaped text with <mark>)
// as nodes: marks stay marks, anything else becomes its text.
function marked(html) {
  const doc = new DOMParser().parseFromString("<!doctype html><body>" + str(html), "text/html");
  return Array.from(doc.body.childNodes, (n) =>
    n.nodeName === "MARK" ? el("mark", {}, n.textContent) : document.createTextNode(str(n.textContent)));
}

function renderFacets(facets) {
  const names = { category: "类别", year: "年度", lead_unit: "主办单位" };
  const parts = [];
  for (const [f, counts] of Object.entries(facets)) {
    const cs = list(counts).filter((c) => c && c.name !== undefined);
    if (!cs.length) continue;
    parts.push(el("h4", {}, names[f] || f));
    for (const c of cs) {
      parts.push(el("a", { href: "#", onclick: (e) => { e.preventDefault(); filters[f] = str(c.name); page = 1; search(); } },
        str(c.name) + "（" + str(c.count) + "）"));
    }
  }
  if (Object.keys(filters).length) {
    parts.push(el("a", { href: "#", onclick: (e) => { e.preventDefault(); for (const k in filters) delete filters[k]; search(); } }, "清除筛选"));
  }
  $("s-facets").replaceChildren(...parts);
}

// --- 并案 groups

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

// --- 统计 stats

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
