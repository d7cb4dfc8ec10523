// 查重: a reviewer checks a year's proposals for repeated text
// (GET /api/v1/duplicates): those that repeat an earlier year's proposal
// (重复提交) and those that repeat one of the same year (疑似雷同, the
// later number repeating the earlier), each with the proposal it repeats,
// how much of the text is shared and the passages side by side. The year,
// the years looked back and the kind shown are in the address
// (/duplicates?year=2024&lookback=2&kind=copy), so that a check can be
// shared; the workbook holds the whole answer.

import { $, el, list, obj, str, api, showError, notice, begin, finish, stale, mountHeader, proposalLink, kindLabel, duplicateNote, passages, proposalYears, statusBadge } from "./common.js";

const lookbacks = [1, 2, 3, 4, 5]; // the years offered to look back; the API takes up to 10
const defaultLookback = 2;
const kinds = [["", "全部"], ["resubmission", "重复提交"], ["copy", "疑似雷同"]];
const counts = {}; // year → its proposals, from the statistics
let known = false; // whether the statistics were read
let first = true; // the first load keeps the message of the start (a bad address)
let report = null; // the last answer, filtered on the page
let kind = ""; // the kind shown: "" (all), resubmission or copy

start();

async function start() {
  const who = await mountHeader("duplicates");
  let years = []; // with proposals, from the statistics
  try {
    years = await proposalYears();
  } catch (e) {
    showError($("d-msg"), e);
  }
  const current = Number(who.current_year) || 0;
  const have = years.map((y) => y.year);
  if (current && !have.includes(current)) years.push({ year: current, count: 0 });
  // the address may name a year, the years to look back and the kind
  const asked = new URLSearchParams(location.search);
  const askedYear = str(asked.get("year")).trim(), askedBack = str(asked.get("lookback")).trim();
  const bad = [];
  let year = 0;
  if (/^\d{4}$/.test(askedYear)) year = Number(askedYear);
  else if (askedYear) bad.push("年度“" + askedYear + "”");
  if (year && !years.some((y) => y.year === year)) years.push({ year, count: have.length ? 0 : -1 });
  years.sort((a, b) => b.year - a.year);
  for (const y of years) counts[y.year] = y.count;
  known = have.length > 0;
  $("d-year").replaceChildren(...years.map((y) => el("option", { value: String(y.year) },
    y.year + "年" + (y.count > 0 ? "（" + y.count + "件）" : y.count === 0 ? "（暂无提案）" : ""))));
  // the newest year with proposals, up to the server's current one
  const earlier = have.filter((y) => !current || y <= current);
  if (!year) year = have.length ? Math.max(...(earlier.length ? earlier : have)) : current;
  $("d-year").value = String(year);

  let back = defaultLookback;
  if (/^\d{1,2}$/.test(askedBack)) back = Number(askedBack);
  else if (askedBack) bad.push("往前比较的年数“" + askedBack + "”");
  const backs = lookbacks.includes(back) ? lookbacks : [...lookbacks, back].sort((a, b) => a - b);
  $("d-lookback").replaceChildren(...backs.map((n) => el("option", { value: String(n) }, n + " 年")));
  $("d-lookback").value = String(back);

  kind = kinds.some(([k]) => k === asked.get("kind")) ? str(asked.get("kind")) : "";
  if (bad.length) notice($("d-msg"), "地址中的" + bad.join("、") + "无效，已按默认显示；可在上方重新选择。");
  $("d-year").addEventListener("change", load);
  $("d-lookback").addEventListener("change", load);
  await load();
}

function params() {
  return "year=" + encodeURIComponent($("d-year").value) + "&lookback=" + encodeURIComponent($("d-lookback").value);
}

// remember puts what is shown into the address.
function remember() {
  history.replaceState(null, "", "/duplicates?" + params() + (kind ? "&kind=" + kind : ""));
}

async function load() {
  const run = begin("duplicates");
  const year = Number($("d-year").value);
  remember();
  report = null;
  $("d-xlsx").hidden = true;
  $("d-hint").hidden = true;
  $("d-kinds").replaceChildren();
  $("d-list").replaceChildren();
  if (!first) $("d-msg").replaceChildren();
  first = false;
  $("d-summary").textContent = year + "年查重中……";
  try {
    const r = obj(await api("GET", "/api/v1/duplicates?" + params()));
    if (stale("duplicates", run)) return;
    report = { year: Number(r.year) || year, from: Number(r.from_year) || year, compared: Number(r.compared) || 0, pairs: list(r.pairs).map(obj) };
    $("d-xlsx").href = "/api/v1/duplicates?" + params() + "&format=xlsx";
    // a year's check, clean or not, can be filed; a year without proposals has none
    $("d-xlsx").hidden = known && !(counts[report.year] > 0);
    finish("duplicates", run, render());
  } catch (e) {
    if (stale("duplicates", run)) return;
    $("d-summary").textContent = "";
    showError($("d-msg"), e);
    finish("duplicates", run, "error");
  }
}

// choose shows one kind of pair (or all) from the answer in hand.
function choose(k) {
  const run = begin("duplicates");
  kind = k;
  remember();
  finish("duplicates", run, render());
}

const ofKind = (k) => (report ? report.pairs.filter((p) => !k || p.kind === k) : []);

// render draws the answer in hand; it returns the run's state.
function render() {
  const r = report;
  const resubmitted = ofKind("resubmission").length, copied = ofKind("copy").length;
  const span = r.from < r.year ? r.from + "–" + r.year + " 年" : r.year + " 年";
  let summary;
  if (known && !(counts[r.year] > 0)) summary = r.year + "年暂无提案，没有可查重的提案。";
  else {
    summary = "比较 " + span + "的提案 " + r.compared + " 件：" + (r.pairs.length
      ? "重复提交 " + resubmitted + " 对，疑似雷同 " + copied + " 对。"
      : "没有发现重复提交或疑似雷同的提案。");
    // the years looked back that have none (the corpus starts later): said, so that no resubmission is not misread
    const none = [];
    for (let y = r.from; y < r.year; y++) if (known && !(counts[y] > 0)) none.push(y);
    if (none.length) summary += "其中 " + none.join("、") + " 年没有提案。";
  }
  $("d-summary").textContent = summary;
  $("d-kinds").replaceChildren(...(r.pairs.length ? kinds.map(([k, label]) => el("label", { class: "kind" + (k === kind ? " on" : "") },
    el("input", { type: "radio", name: "d-kind", value: k, checked: k === kind, onchange: () => choose(k) }),
    label + "（" + ofKind(k).length + "）")) : []));
  $("d-hint").hidden = !r.pairs.length;
  const shown = ofKind(kind);
  $("d-list").replaceChildren(...shown.map(card));
  if (r.pairs.length && !shown.length) $("d-list").replaceChildren(el("p", { class: "notice" }, "没有" + kindLabel({ kind }) + "的提案。"));
  return shown.length ? "done" : "empty";
}

const status = (s) => statusBadge(str(s) || "状态未记录");

// card is one pair: the proposal of the year, what it repeats and how
// much, the proposal it repeats, and the passages side by side.
function card(p) {
  const a = obj(p.proposal), b = obj(p.repeats);
  const note = duplicateNote({ kind: p.kind, number: b.number, year: b.year, status: b.status, has_reply: b.has_reply });
  const side = passages({ number: b.number, passages: p.passages });
  return el("article", { class: "pair " + str(p.kind), "data-kind": str(p.kind), "data-number": str(a.number), "data-repeats": str(b.number) },
    el("div", { class: "pair-head" },
      el("span", { class: "badge kind-" + str(p.kind) }, kindLabel(p)),
      el("span", { class: "title" }, proposalLink(a.number, str(a.number) + " " + (str(a.title) || "（无标题）")))),
    el("p", { class: "facts" }, el("small", {}, [a.year ? str(a.year) + "年" : "", a.proposer ? "提案人：" + str(a.proposer) : ""].filter(Boolean).join(" · ")), status(a.status)),
    el("p", { class: "note" }, el("strong", {}, note), el("span", { class: "cover" }, "雷同程度 " + Math.floor(Number(p.cover) * 100) + "%")),
    el("p", { class: "repeats" }, el("span", { class: "label" }, "该件："),
      proposalLink(b.number, str(b.number) + " " + (str(b.title) || "（无标题）")),
      el("small", {}, [b.year ? str(b.year) + "年" : "", b.proposer ? "提案人：" + str(b.proposer) : ""].filter(Boolean).join(" · ")),
      status(b.status)),
    side || el("p", { class: "notice" }, "没有可对照的段落。"));
}
