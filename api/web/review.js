// 审查: a reviewer pastes a text, or loads a stored proposal by number, and
// gets in one answer (POST /api/v1/review) the filing recommendation with
// its reason and evidence (建议并案 with the proposal it would join), the
// category with its calibrated probability and the words behind it, the
// undertaking units (each once, with rank, strength and evidence), similar
// proposals of the same year and earlier ones. Accepting or overriding a
// suggestion is confirmed in the page and recorded as feedback.
//
// A loaded proposal is reviewed with its number, so that it never matches
// itself and its own year decides what is 同年 and what is 以往.

import {
  $, el, list, obj, str, fixed, api, messageOf, showError, notice, begin, finish, stale, mountHeader, highlight,
  proposalLink, confirmDialog, toast, percent as pct, together, togetherHint, isDuplicate, kindMark, joinFacts, passages,
} from "./common.js";

const who = mountHeader("review");

let current = null; // the last review and the text it judged, for feedback
let loaded = ""; // the number of the proposal loaded into the form

$("r-load").addEventListener("click", () => load());
$("r-number").addEventListener("keydown", (e) => { if (e.key === "Enter") load(); });
$("r-run").addEventListener("click", analyse);
// from the keyboard: Enter in the title, Ctrl+Enter (⌘+Enter) in the body
$("r-title").addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.isComposing) analyse(); });
$("r-body").addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) analyse(); });
for (const id of ["r-title", "r-body"]) $(id).addEventListener("input", count);
// another number is another proposal: the loaded one's link goes
$("r-number").addEventListener("input", () => {
  if ($("r-number").value.trim() !== loaded) $("r-loaded").replaceChildren();
});

// /review?number=N opens a stored proposal for review at once.
const asked = new URLSearchParams(location.search).get("number");
if (asked) {
  $("r-number").value = asked;
  load().then((ok) => { if (ok) analyse(); });
}

function count() {
  const n = Array.from($("r-title").value + $("r-body").value).length;
  $("r-counter").textContent = n ? "共 " + n + " 字" : "";
  // results of another text must not pass for this one's
  if (!$("r-out").hidden) notice($("r-status"), "文本已修改：下方仍是修改前的审查结果，请重新点击“审查分析”。");
}

// load fills the form with a stored proposal; it reports whether it did.
async function load() {
  const n = $("r-number").value.trim();
  const run = begin("review");
  $("r-loaded").replaceChildren();
  loaded = "";
  if (!n) {
    notice($("r-status"), "请先填写提案号。");
    finish("review", run, "empty");
    return false;
  }
  try {
    const p = obj(await api("GET", "/api/v1/proposals/" + encodeURIComponent(n)));
    if (stale("review", run)) return false;
    $("r-title").value = str(p.title);
    $("r-body").value = str(p.body);
    count();
    loaded = n;
    // the address names the proposal: back from a similar one's page, or a
    // reload, comes to its review again
    history.replaceState(null, "", "/review?number=" + encodeURIComponent(n));
    $("r-loaded").replaceChildren(proposalLink(n, "查看提案 " + n), el("small", {}, loadedFacts(p)));
    notice($("r-status"), "已载入提案 " + n + "，点击“审查分析”查看建议。");
    finish("review", run, "done");
    return true;
  } catch (e) {
    showError($("r-status"), e);
    finish("review", run, "error");
    return false;
  }
}

function loadedFacts(p) {
  const facts = [p.year ? str(p.year) + "年" : "", str(p.status) ? "现状态：" + str(p.status) : "",
    p.not_proposal ? "非提案记录（如网上留言），不计入统计" : ""].filter(Boolean);
  return facts.length ? "（" + facts.join("，") + "）" : "";
}

async function analyse() {
  const title = $("r-title").value.trim(), body = $("r-body").value.trim();
  const number = $("r-number").value.trim();
  const run = begin("review");
  if (!title && !body) {
    $("r-out").hidden = true;
    notice($("r-status"), number ? "请先点击“载入”读取提案 " + number + "，或填写标题和正文。" : "请先填写标题或正文，再点击“审查分析”。");
    finish("review", run, "empty");
    return;
  }
  if (number && loaded && number !== loaded) {
    // the text is proposal `loaded`'s: reviewing it as another would mix them up
    notice($("r-status"), "提案号已改为 " + number + "，而文本是提案 " + loaded + " 的：请点击“载入”读取提案 " + number + "，或清空提案号按新提案审查。");
    finish("review", run, "empty");
    return;
  }
  // a text of no stored proposal: the address names none
  if (!number && location.search) history.replaceState(null, "", "/review");
  $("r-status").replaceChildren(el("p", { class: "notice" }, "审查分析中……"));
  const req = { title, body };
  if (number) req.number = number;
  let r;
  try {
    r = obj(await api("POST", "/api/v1/review", req));
  } catch (e) {
    if (stale("review", run)) return;
    $("r-out").hidden = true;
    showError($("r-status"), e);
    finish("review", run, "error");
    return;
  }
  if (stale("review", run)) return;
  const cat = obj(r.category);
  current = { title, body, number, model: str(cat.model) };
  $("r-status").replaceChildren();
  try {
    renderVerdict(r);
    await renderCategory(cat, list(r.categories), title ? title + "\n" + body : body);
    renderUnits(obj(r.routing));
    $("r-together").hidden = true; // until a list shows a score
    const least = Number(obj(await who).group_threshold) || 0;
    renderMatches($("r-similar"), r.similar, "同年没有相似的提案。", least);
    renderMatches($("r-earlier"), r.earlier, "以往年度没有相似的提案。", least);
  } catch (e) {
    showError($("r-status"), e);
    finish("review", run, "error");
    return;
  }
  $("r-out").hidden = false;
  finish("review", run, "done");
}


const verdictClass = { 建议立案: "file", 建议不予立案: "reject", 建议并案: "merge", 无法判断: "unsure" };

// renderVerdict shows the filing recommendation with its reason and
// evidence; without a filing model it says so rather than guessing.
function renderVerdict(r) {
  const rec = str(r.recommendation);
  const box = $("r-verdict");
  box.className = "verdict " + (verdictClass[rec] || "none");
  const scope = r.number
    ? el("p", { class: "scope" }, "审查对象：", proposalLink(r.number, "提案 " + str(r.number)), "（" + str(r.year) + "年）")
    : el("p", { class: "scope" }, "审查对象：新提案，按 " + str(r.year) + " 年审查（同年与以往提案以此为界）");
  const parts = [scope];
  parts.push(el("h2", { id: "r-recommendation" }, rec || "立案建议：暂无"));
  const merge = obj(r.merge_into);
  if (rec === "建议并案" && merge.number) {
    parts.push(el("p", {}, "拟并入：", proposalLink(merge.number, str(merge.number) + " " + str(merge.title)),
      "（" + str(merge.year) + "年，" + together(merge.score) + "）"));
  }
  if (r.reason) parts.push(el("p", { class: "reason" }, (rec === "建议不予立案" ? "可能的理由：" : "理由：") + str(r.reason)));
  const filing = r.filing && typeof r.filing === "object" ? r.filing : null;
  if (filing) {
    parts.push(el("p", {}, "不予立案的可能性 " + pct(filing.not_filed_prob) + "：达到 " + pct(filing.reject_at) +
      " 建议不予立案，不超过 " + pct(filing.file_at) + " 建议立案，其间无法判断。"));
    // the reasons and words against filing matter only when filing is in doubt
    const doubt = str(filing.recommendation) !== "建议立案";
    const reasons = doubt ? list(filing.reasons).map(obj).filter((x) => x.label) : [];
    if (reasons.length) {
      parts.push(el("p", {}, "以往不予立案的常见理由（按可能性）：" + reasons.slice(0, 3).map((x) => str(x.label) + " " + pct(x.prob)).join("；")));
    }
    const words = doubt ? list(filing.evidence).map(obj).map((x) => str(x.term)).filter(Boolean) : [];
    if (words.length) parts.push(el("p", {}, "倾向不予立案的词语：" + words.slice(0, 8).join("、")));
  } else {
    parts.push(el("p", { class: "notice" }, "本服务尚未启用立案建议模型：以上只就是否并案给出建议，是否立案请人工判断。"));
  }
  box.replaceChildren(...parts);
}

// renderCategory shows the category probabilities, the honest 不确定, the
// words behind the best one in the text, and accept / override to any of
// the committee's categories.
async function renderCategory(cat, categories, text) {
  const labels = list(cat.labels).map(obj).filter((l) => l.label);
  const uncertain = !!cat.uncertain;
  if (!labels.length) {
    notice($("r-cats"), "没有类别建议。");
  } else {
    $("r-cats").replaceChildren(...labels.map((l, i) => {
      const fill = el("span", { class: "fill" + (i === 0 && uncertain ? " unsure" : "") });
      fill.style.width = Math.round(Math.min(Math.max(Number(l.prob) || 0, 0), 1) * 300) + "px";
      return el("div", { class: "bar" }, el("span", { class: "label" }, (i === 0 ? "→ " : "") + str(l.label)), fill,
        el("span", {}, "概率 " + fixed(Number(l.prob) * 100, 1) + "%"));
    }));
  }
  const threshold = Math.round((Number(cat.threshold) || 0) * 100);
  $("r-uncertain").hidden = !uncertain;
  $("r-uncertain").textContent = "不确定：最高概率低于置信门槛 " + threshold + "%，建议人工判断类别。";
  const names = await categoryNames(categories, labels);
  const best = labels.length ? str(labels[0].label) : "";
  const actions = [];
  if (best) actions.push(el("button", { onclick: () => accept("category", best, best, "类别：" + best) }, "采纳 " + best));
  if (names.length) {
    const select = el("select", { id: "r-override", "aria-label": "改为其他类别" },
      ...names.map((n) => el("option", { value: n, selected: n === best }, n)));
    actions.push(el("label", { for: "r-override" }, "改为"), select,
      el("button", { onclick: () => override(best, select.value) }, "确认改类"));
  }
  $("r-cat-actions").replaceChildren(...actions);
  const spans = list(cat.evidence).flatMap((e) => list(obj(e).spans));
  $("r-text").replaceChildren(...highlight(text, spans));
  $("r-no-evidence").hidden = spans.length > 0;
}

// categoryNames are all the committee's categories, from the review (or,
// failing that, from the signed-in user's details), never only the top
// three.
async function categoryNames(categories, labels) {
  let cs = categories.map(obj).map((c) => str(c.name)).filter(Boolean);
  if (!cs.length) cs = list(obj(await who).categories).map(obj).map((c) => str(c.name)).filter(Boolean);
  if (!cs.length) cs = labels.map((l) => str(l.label));
  return Array.from(new Set(cs));
}

async function override(best, chosen) {
  if (!chosen) return;
  if (chosen === best) {
    accept("category", best, best, "类别：" + best);
    return;
  }
  const from = best ? "由“" + best + "”" : "";
  if (!(await confirmDialog("将类别" + from + "改为“" + chosen + "”？该反馈将记录在案，并用于改进模型。", "改为 " + chosen))) return;
  accept("category", best, chosen, "类别改为：" + chosen);
}

// renderUnits shows the lead candidates and the co-handlers, each unit
// once, with its rank, strength and the evidence in words; a co-handler
// also with how likely it is to co-handle (the server's word and the
// probability).
function renderUnits(routing) {
  const lead = list(routing.lead).map(obj).filter((u) => u.unit);
  const co = list(routing.co).map(obj).filter((u) => u.unit);
  if (lead.length) {
    $("r-lead").replaceChildren(...lead.map((u, i) => unitBox(u, i, "lead_unit", str(lead[0].unit))));
  } else {
    notice($("r-lead"), "没有主办单位建议。");
  }
  if (co.length) {
    $("r-co").replaceChildren(...co.map((u, i) => unitBox(u, i, "co_unit", str(u.unit))));
  } else {
    notice($("r-co"), "没有需要协办的单位。");
  }
}

function unitBox(u, i, kind, suggested) {
  const rank = Number.isInteger(u.rank) && u.rank > 0 ? u.rank : i + 1;
  const role = kind === "lead_unit" ? (rank === 1 ? "建议主办" : "主办候选") : "建议协办";
  const strength = str(u.strength);
  const box = el("div", { class: "unit" },
    el("div", { class: "unit-head" }, el("span", { class: "rank" }, "第" + rank + "位"), " ",
      el("strong", {}, str(u.unit)), " ", el("small", {}, role),
      strength ? el("span", { class: "strength s-" + ({ 较强: "high", 一般: "medium", 较弱: "low" }[strength] || "low") }, "依据" + strength) : null));
  if (kind === "co_unit" && u.likelihood) {
    box.append(el("div", { class: "likelihood" + (u.likelihood === "较可能" ? " likely" : "") }, str(u.likelihood) + "协办（可能性 " + pct(u.probability) + "）"));
  }
  const reasons = list(u.reasons).map(str).filter(Boolean);
  if (reasons.length) box.append(el("ul", { class: "reasons" }, ...reasons.map((r) => el("li", {}, r))));
  const cases = list(u.cases).map(obj).filter((c) => c.number);
  if (cases.length) {
    box.append(el("div", { class: "cases" }, el("small", {}, "以往同类："),
      ...cases.slice(0, 3).map((c) => el("small", {}, proposalLink(c.number, str(c.number) + " " + str(c.title)), c.role ? "（" + str(c.role) + "）" : ""))));
  }
  const label = kind === "lead_unit" ? "定为主办" : "采纳协办";
  box.append(el("button", { onclick: () => accept(kind, suggested, str(u.unit), (kind === "lead_unit" ? "主办单位：" : "协办单位：") + str(u.unit)) }, label));
  return box;
}

const statusText = (s) => str(s) || "状态未记录";

// renderMatches lists similar proposals, each linked to its page; those
// less likely to be grouped with the text than the grouping threshold
// (least) are shown, paler, as such.
function renderMatches(target, matches, none, least) {
  const ms = list(matches).map(obj).filter((m) => m.number);
  if (!ms.length) {
    target.replaceChildren(el("li", { class: "none" }, none));
    return;
  }
  $("r-together").textContent = togetherHint;
  $("r-together").hidden = false;
  target.replaceChildren(...ms.map((m) => {
    const dup = isDuplicate(m);
    // a duplicate's note says where it stands: its status is not said twice
    const facts = [str(m.year) ? str(m.year) + "年" : "", dup ? kindMark(m) : "",
      together(m.score) + (Number(m.score) < least ? "（低于分组阈值 " + pct(least) + "）" : ""), dup ? "" : statusText(m.status), m.lead_unit ? "主办：" + str(m.lead_unit) : ""];
    const shared = list(m.shared_terms).map(str).filter(Boolean);
    if (shared.length) facts.push("共同：" + shared.join("、"));
    const li = el("li", { class: "match" + (dup ? " dup" : Number(m.score) < least ? " low" : "") },
      el("strong", {}, proposalLink(m.number, str(m.number) + " " + str(m.title))), " ", el("small", {}, ...joinFacts(facts)));
    if (dup) {
      const side = passages(m);
      if (side) li.append(side);
    }
    if (m.reply) li.append(el("div", { class: "reply" }, el("small", {}, "答复：" + str(m.reply))));
    return li;
  }));
}

// accept records a verdict on a suggestion and confirms it in the page;
// its runs are marked on r-status, apart from the analysis.
async function accept(kind, suggested, chosen, what) {
  if (!current) return;
  const run = begin("r-status");
  try {
    await api("POST", "/api/v1/feedback", { number: current.number, kind, suggested, chosen,
      text: current.number ? "" : current.title + "\n" + current.body, model_version: current.model });
    toast("已记录" + (chosen === suggested ? "采纳" : "修改") + "：" + what);
    finish("r-status", run, "done");
  } catch (e) {
    toast("未能记录：" + messageOf(e), "error");
    finish("r-status", run, "error");
  }
}
