// 提案: one proposal as the office keeps it, at /p/{number}.

import { $, el, list, obj, str, api, showError, begin, finish, mountHeader, proposalLink } from "./common.js";

mountHeader("");
show();

// number is the proposal's number from the address /p/{number}.
function number() {
  const parts = location.pathname.split("/");
  return decodeURIComponent(parts[parts.length - 1] || "");
}

async function show() {
  const run = begin("proposal");
  const n = number();
  try {
    const p = obj(await api("GET", "/api/v1/proposals/" + encodeURIComponent(n)));
    document.title = str(p.title) + " · tian 提案";
    $("p-title").textContent = str(p.title);
    $("p-meta").replaceChildren(...meta(p));
    $("p-body").textContent = str(p.body);
    $("p-reply-box").hidden = !p.reply;
    $("p-reply").textContent = str(p.reply);
    $("p-reply-date").textContent = p.reply_date ? "答复日期：" + str(p.reply_date) : "";
    $("p-view").hidden = false;
    $("p-status").replaceChildren();
    finish("proposal", run, "done");
  } catch (e) {
    showError($("p-status"), e);
    finish("proposal", run, "error");
  }
}

// meta lists the proposal's facts as term and value pairs, leaving out
// what is not recorded.
function meta(p) {
  const status = str(p.status) || "未记录";
  const facts = [
    ["提案号", str(p.number)],
    ["年度", p.year ? str(p.year) + (p.session ? "（" + str(p.session) + "）" : "") : ""],
    ["提案人", str(p.proposer) + (p.proposer_type ? "（" + str(p.proposer_type) + (p.sector ? "，" + str(p.sector) : "") + "）" : "")],
    ["提交日期", str(p.submitted)],
    ["类别", str(p.category)],
    ["主办单位", str(p.lead_unit)],
    ["协办单位", list(p.co_units).map(str).join("、")],
    ["状态", status + (p.status_reason ? "：" + str(p.status_reason) : "")],
  ];
  const out = [];
  for (const [k, v] of facts) {
    if (!v) continue;
    out.push(el("dt", {}, k), el("dd", {}, v));
  }
  if (p.merged_into) out.push(el("dt", {}, "并入"), el("dd", {}, proposalLink(p.merged_into)));
  return out;
}
