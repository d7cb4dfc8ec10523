// 提案: one proposal as the office keeps it, at /p/{number}: its text and
// facts, status (with the reason it was not filed, or the proposal it was
// merged into and those merged into it), the reply, its group for joint
// consultation, similar proposals of its year and earlier years' ones.
// Printable: the print style hides the header and the buttons.

import {
  $, el, list, obj, str, api, showError, begin, finish, mountHeader, proposalLink, when, together, togetherHint, isDuplicate, kindMark,
  joinFacts, passages, statusBadge,
} from "./common.js";

// the header resolves to who is signed in, with the grouping threshold:
// a similar proposal below it is not listed (the measure that groups
// proposals for joint consultation decides what counts as similar)
const header = mountHeader("");
$("p-print").addEventListener("click", () => window.print());
// a reviewer goes from the proposal to its review
header.then((who) => {
  if (!list(who.pages).some((p) => obj(p).name === "review")) return;
  $("p-review").href = "/review?number=" + encodeURIComponent(number());
  $("p-review").hidden = false;
});
show();

// number is the proposal's number from the address /p/{number}.
function number() {
  const parts = location.pathname.split("/");
  try {
    return decodeURIComponent(parts[parts.length - 1] || "");
  } catch {
    return parts[parts.length - 1] || "";
  }
}

function path(n) {
  return "/api/v1/proposals/" + encodeURIComponent(n);
}

async function show() {
  const run = begin("proposal");
  const n = number();
  let p;
  try {
    p = obj(await api("GET", path(n)));
  } catch (e) {
    if (e.code === "not_found") {
      missing(n);
      finish("proposal", run, "empty");
    } else {
      showError($("p-status"), e);
      finish("proposal", run, "error");
    }
    return;
  }
  render(p);
  // the related parts load side by side; each shows its own failure
  const parts = await Promise.all([state(p), group(p), similar(p), earlier(p)]);
  finish("proposal", run, parts.every(Boolean) ? "done" : "error");
}

function missing(n) {
  document.title = "未找到 · tian 提案";
  $("p-missing-text").textContent = n
    ? "档案中没有提案号为「" + n + "」的提案：可能提案号有误，或该提案已被删除。"
    : "地址中没有提案号。";
  $("p-missing").hidden = false;
}

function render(p) {
  document.title = (str(p.title) || str(p.number)) + " · tian 提案";
  $("p-title").textContent = str(p.title) || "（无标题）";
  $("p-meta").replaceChildren(...meta(p));
  $("p-body").textContent = str(p.body) || "（无正文）";
  const reply = str(p.reply);
  $("p-reply").textContent = reply;
  $("p-reply").hidden = !reply;
  $("p-reply-date").textContent = reply
    ? (p.reply_date ? "答复日期：" + str(p.reply_date) : "答复日期未记录")
    : p.status === "不予立案" ? "不予立案的提案没有办理答复。"
      : p.merged_into ? "本案已并入提案 " + str(p.merged_into) + " 一并办理，答复见该提案。" : "尚无办理答复。";
  $("p-view").hidden = false;
  $("p-status").replaceChildren();
  if (location.hash === "#reply") $("reply").scrollIntoView();
}

// meta lists the proposal's facts as term and value pairs, leaving out
// what is not recorded.
function meta(p) {
  const facts = [
    ["提案号", str(p.number) + (p.written_number && p.written_number !== p.number ? "（原文：" + str(p.written_number) + "）" : "")],
    ["年度", p.year ? str(p.year) + "年" : ""],
    ["届次", str(p.session)],
    ["提案人", str(p.proposer)],
    ["提案人类型", str(p.proposer_type)],
    ["界别", str(p.sector)],
    ["提交日期", str(p.submitted)],
    ["类别", str(p.category)],
    ["主办单位", str(p.lead_unit)],
    ["协办单位", list(p.co_units).map(str).filter(Boolean).join("、")],
  ];
  const out = [];
  for (const [k, v] of facts) {
    if (v) out.push(el("dt", {}, k), el("dd", {}, v));
  }
  return out;
}

// state shows the status: the reason a proposal was not filed, the one it
// was merged into, and those merged into it. It resolves to false when a
// part of it could not be read.
async function state(p) {
  const status = str(p.status) || "未记录";
  const box = $("p-state");
  const line = el("p", { class: "status" }, el("strong", {}, "状态："), statusBadge(status));
  if (p.not_proposal) {
    line.append(" ", el("span", { class: "badge not-proposal" }, "非提案记录"));
    box.replaceChildren(line, el("p", { class: "notice" }, "这条记录随导入进入档案（如网上留言），没有提案流程信息，不计入统计，也不参加并案分组。"));
  } else box.replaceChildren(line);
  if (p.status_reason) box.append(el("p", {}, el("strong", {}, p.status === "不予立案" ? "不予立案理由：" : "说明："), str(p.status_reason)));
  let ok = true;
  if (p.merged_into) {
    const into = el("p", {}, el("strong", {}, "已并入："), proposalLink(p.merged_into));
    box.append(into);
    try {
      const m = obj(await api("GET", path(p.merged_into)));
      into.replaceChildren(el("strong", {}, "已并入："), proposalLink(p.merged_into, str(p.merged_into) + " " + str(m.title)));
    } catch (e) {
      if (e.code !== "not_found") {
        into.append(el("span", { class: "error" }, "（" + e.message + "）"));
        ok = false;
      }
    }
  }
  return (await mergedInto(p)) && ok;
}

// mergedInto lists the proposals of the year merged into this one.
async function mergedInto(p) {
  if (!p.year || p.status === "不予立案" || p.status === "并案") return true;
  const found = [];
  try {
    for (let offset = 0, total = 1, pages = 0; offset < total && pages < 40; pages++) {
      const r = obj(await api("GET", "/api/v1/proposals?year=" + encodeURIComponent(p.year) + "&limit=500&offset=" + offset));
      const ps = list(r.proposals).map(obj);
      total = Number(r.total) || 0;
      offset += ps.length || total;
      for (const q of ps) if (q.merged_into === p.number) found.push(q);
    }
  } catch (e) {
    $("p-merged-box").hidden = false;
    showError($("p-merged"), e);
    return false;
  }
  $("p-merged-box").hidden = !found.length;
  $("p-merged").replaceChildren(...found.map((q) => el("li", {}, proposalLink(q.number, str(q.number) + " " + str(q.title)),
    q.proposer ? el("small", {}, " · " + str(q.proposer)) : null)));
  return true;
}

// group shows the saved group for joint consultation holding the
// proposal; a 404 means it is in none.
async function group(p) {
  const box = $("p-group");
  let r;
  try {
    r = obj(await api("GET", path(p.number) + "/group"));
  } catch (e) {
    if (e.code === "not_found") {
      box.replaceChildren(el("p", { class: "notice" }, "本案未编入已保存的并案组。"));
      return true;
    }
    showError(box, e);
    return false;
  }
  const g = obj(r.group);
  const label = str(g.name) || list(g.label).map(str).join("、") || "（未命名）";
  const facts = [r.confirmed ? "已确认" + (r.confirmed_at ? "（" + when(r.confirmed_at, true) + "）" : "") : "未确认",
    g.lead_unit ? "牵头单位：" + str(g.lead_unit) : "", r.year ? str(r.year) + "年" : ""].filter(Boolean);
  const members = list(g.members).map(obj).map((m) => el("li", {},
    m.number === p.number ? el("strong", {}, str(m.number) + " " + str(m.title) + "（本案）") : proposalLink(m.number, str(m.number) + " " + str(m.title)),
    m.status ? el("small", {}, " · " + str(m.status)) : null));
  box.replaceChildren(el("p", {}, el("strong", {}, label), el("small", {}, " · " + facts.join(" · "))), el("ul", { class: "links" }, ...members));
  return true;
}

// similar lists the proposals of the same year most like this one.
async function similar(p) {
  const target = $("p-similar");
  try {
    const r = obj(await api("GET", path(p.number) + "/similar?k=30"));
    const least = await threshold();
    const ms = list(r.matches).map(obj)
      .filter((m) => m.number !== p.number && Number(m.year) === Number(p.year) && listed(m, least)).slice(0, 10);
    target.replaceChildren(...(ms.length ? ms.map((m) => matchItem(m, false)) : [el("li", { class: "none" }, "本年度没有发现类似提案。")]));
    if (ms.length) explain();
    return true;
  } catch (e) {
    showError(target, e);
    return false;
  }
}

// earlier lists proposals of strictly earlier years like this one, with
// how they were answered.
async function earlier(p) {
  const target = $("p-earlier");
  if (!p.year) {
    target.replaceChildren(el("li", { class: "none" }, "年度未记录，无法查找以往提案。"));
    return true;
  }
  try {
    const r = obj(await api("GET", path(p.number) + "/similar?k=5&before_year=" + encodeURIComponent(p.year)));
    const least = await threshold();
    const ms = list(r.matches).map(obj).filter((m) => Number(m.year) < Number(p.year) && listed(m, least));
    target.replaceChildren(...(ms.length ? ms.map((m) => matchItem(m, true)) : [el("li", { class: "none" }, "以往年度没有发现类似提案。")]));
    if (ms.length) explain();
    return true;
  } catch (e) {
    showError(target, e);
    return false;
  }
}

// listed says whether a match is shown: a resubmission or copy always
// (a repeated text is what a reader must see, however the model scores
// it), another from the threshold up.
const listed = (m, least) => isDuplicate(m) || Number(m.score) >= least;

// threshold is the least similarity listed: the server's grouping
// threshold, or none when it is unknown.
async function threshold() {
  const t = Number(obj(await header).group_threshold);
  return Number.isFinite(t) && t > 0 ? t : 0;
}

// explain says, once above the lists, what the percentage beside each
// proposal is: the probability staff would group the two, not how alike
// the texts read.
function explain() {
  $("p-together").textContent = togetherHint;
  $("p-together").hidden = false;
}

function matchItem(m, withReply) {
  const dup = isDuplicate(m); // its note says where it stands: the status is not said twice
  const terms = list(m.shared_terms).slice(0, 5).map(str).join("、");
  const facts = [m.year ? str(m.year) + "年" : "", dup ? "" : str(m.status), dup ? kindMark(m) : "", together(m.score), terms ? "共同词：" + terms : ""];
  const reply = withReply && m.reply ? el("div", { class: "reply" }, el("small", {}, "答复：" + str(m.reply))) : null;
  return el("li", { class: "match" + (dup ? " dup" : ""), "data-year": str(m.year) }, proposalLink(m.number, str(m.number) + " " + str(m.title)),
    el("small", {}, " · ", ...joinFacts(facts)), reply, dup ? passages(m) : null);
}
