// 审查: a reviewer pastes or loads a proposal and gets a category with its
// evidence, undertaking units, and similar and earlier proposals.

import { $, el, list, obj, str, fixed, api, showError, notice, begin, finish, stale, mountHeader, highlight, proposalLink } from "./common.js";

mountHeader("review");

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
    const li = el("li", { class: "match" }, el("strong", {}, proposalLink(m.number, str(m.number) + " " + str(m.title))), " ",
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

