// 检索: members search the archive by words and filters.

import { $, el, list, obj, str, fixed, api, showError, notice, begin, finish, stale, mountHeader, marked, proposalLink } from "./common.js";

mountHeader("search");

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
    const title = el("div", { class: "title" }, el("a", { href: "/p/" + encodeURIComponent(str(h.number)) }, ...(h.title_html ? marked(h.title_html) : [str(h.title)])));
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

