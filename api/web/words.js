// 词表: staff keep the committee's own dictionary (委员会词表). New-word
// discovery proposes candidates from a year's proposals (or all), each with
// how often it occurs, how the segmenter cuts it today and examples in
// context; staff accept a candidate (as it is, or trimmed first), reject it
// (it is not suggested again), or several at once, and add words by hand.
// The decided words are listed with who decided when, and each decision can
// be undone. The status line says whether the accepted words are in force:
// while the index is analysed again the page reads the status every
// POLL_MS until it is.
//
// State lives in the page: the candidates in their rows (each row keeps
// its candidate in `candidates`), the decided words in `decided`, the
// year in the select and the address (?year=2024, ?year=all).

import { $, el, list, obj, str, fixed, api, APIError, messageOf, showError, notice, begin, finish, stale, mountHeader, when, actorName } from "./common.js";

const POLL_MS = 1500; // status reads while the words come into force
const RETRY_MS = 10000; // after the server reported an error
const MOST_DECIDED = 200; // rows a list of decided words shows

const candidates = new Map(); // row → its candidate, as the server sent it
let shownYear = 0; // the year the candidates came from (0: all)
let decided = []; // the decisions, as the server last listed them
let decidedSignature = "";
let pollTimer = 0;

start();

async function start() {
  await mountHeader("words");
  $("c-year").addEventListener("change", () => { remember(); suggest(); });
  $("c-limit").addEventListener("change", suggest);
  $("c-reload").addEventListener("click", suggest);
  $("c-all").addEventListener("change", () => {
    for (const box of rowBoxes()) box.checked = $("c-all").checked;
    selectionChanged();
  });
  $("c-accept-selected").addEventListener("click", () => decide(selectedRows(), "accepted"));
  $("c-reject-selected").addEventListener("click", () => decide(selectedRows(), "rejected"));
  $("a-accept").addEventListener("click", addWord);
  $("a-word").addEventListener("keydown", (e) => { if (e.key === "Enter") addWord(); });
  $("a-word").addEventListener("input", () => { $("a-result").hidden = true; $("a-word").removeAttribute("aria-invalid"); });
  $("d-filter").addEventListener("input", renderDecided);
  $("d-kind").addEventListener("change", renderDecided);
  await years();
  await Promise.all([suggest(), loadDecided()]);
}

// --- the years: from the statistics (proposals received each year), the
// latest with proposals first chosen, and 全部年度.

async function years() {
  let ys = [];
  try {
    const r = obj(await api("GET", "/api/v1/stats"));
    ys = list(obj(r.stats).years).map(obj).map((y) => ({ year: Number(y.year) || 0, count: Number(y.received) || 0 }))
      .filter((y) => y.year > 0 && y.count > 0);
  } catch (e) {
    showError($("c-msg"), e);
  }
  ys.sort((a, b) => b.year - a.year);
  const all = ys.reduce((n, y) => n + y.count, 0);
  $("c-year").replaceChildren(...ys.map((y) => el("option", { value: String(y.year) }, y.year + "年（" + y.count + "件）")),
    el("option", { value: "0" }, "全部年度" + (all ? "（" + all + "件）" : "")));
  const asked = new URLSearchParams(location.search).get("year");
  const want = asked === "all" ? "0" : str(asked);
  const have = Array.from($("c-year").options, (o) => o.value);
  $("c-year").value = have.includes(want) ? want : ys.length ? String(ys[0].year) : "0";
}

// remember keeps the chosen year in the address, so a reload or a link
// shows the same candidates.
function remember() {
  const y = $("c-year").value;
  const q = new URLSearchParams(location.search);
  q.set("year", y === "0" ? "all" : y);
  history.replaceState(null, "", "?" + q);
}

const yearText = (y) => (y ? y + "年" : "全部年度");

// --- candidates

async function suggest() {
  const run = begin("candidates");
  const year = Number($("c-year").value) || 0;
  const q = new URLSearchParams({ limit: $("c-limit").value || "100" });
  if (year) q.set("year", String(year));
  $("c-summary").textContent = "正在从" + yearText(year) + "的提案中查找候选新词……";
  $("c-msg").replaceChildren();
  try {
    const r = obj(await api("GET", "/api/v1/words/suggest?" + q));
    if (stale("candidates", run)) return;
    shownYear = year;
    const cs = list(r.candidates).map(obj).filter((c) => str(c.word));
    candidates.clear();
    $("c-list").tBodies[0].replaceChildren(...cs.map((c, i) => candidateRow(c, i + 1)));
    $("c-all").checked = false;
    selectionChanged();
    const secs = (Number(r.took_ms) || 0) / 1000;
    $("c-summary").textContent = "从" + yearText(year) + "的 " + (Number(r.proposals) || 0) + " 件提案中找到 " + cs.length +
      " 个候选（用时 " + secs.toFixed(1) + " 秒）";
    $("c-summary").dataset.found = String(cs.length);
    leftOver();
    finish("candidates", run, cs.length ? "done" : "empty");
  } catch (e) {
    if (stale("candidates", run)) return;
    $("c-summary").textContent = "";
    candidates.clear();
    $("c-list").tBodies[0].replaceChildren();
    showError($("c-msg"), e);
    leftOver(true);
    finish("candidates", run, "error");
  }
}

// candidateRow is one candidate: a box to select it, its rank, the word in
// an input (to trim before accepting), its counts, today's cut, examples
// with the word marked, and 收入 / 不收.
function candidateRow(c, rank) {
  const word = str(c.word);
  const input = el("input", { type: "text", class: "word", value: word, "aria-label": "候选词（可修改后收入）", spellcheck: "false", autocomplete: "off" });
  input.style.width = Math.min(Math.max([...word].length, 3) + 1.5, 12) + "em"; // a character of Chinese is 1em
  const was = el("small", { class: "was", hidden: true }, "原为“" + word + "”");
  const err = el("small", { class: "row-error error", role: "alert", hidden: true });
  const examples = el("ul", { class: "examples" });
  const showExamples = () => examples.replaceChildren(...list(c.examples).slice(0, 3).map((x) => el("li", {}, ...inContext(str(x), input.value.trim() || word))));
  showExamples();
  const box = el("input", { type: "checkbox", class: "pick", "aria-label": "选择“" + word + "”" });
  box.addEventListener("change", selectionChanged);
  const tr = el("tr", { "data-word": word },
    el("td", { class: "pick" }, box),
    el("td", { class: "num rank", title: measures(c) }, String(rank)),
    el("td", { class: "cand" }, input, was, err),
    el("td", { class: "num freq" }, String(Number(c.freq) || 0)),
    el("td", { class: "num docs" }, String(Number(c.docs) || 0)),
    el("td", { class: "cut" }, ...cutNodes(str(c.cut))),
    el("td", { class: "ex" }, examples),
    el("td", { class: "act" },
      el("button", { class: "accept primary", title: "收入词表：今后整体切分", onclick: () => decide([tr], "accepted") }, "收入"),
      el("button", { class: "reject", title: "不收：今后不再建议“" + word + "”", onclick: () => decide([tr], "rejected") }, "不收")));
  input.addEventListener("input", () => {
    const typed = input.value.trim();
    was.hidden = typed === word;
    tr.classList.toggle("edited", typed !== word);
    err.hidden = true;
    showExamples();
  });
  input.addEventListener("keydown", (e) => { if (e.key === "Enter") decide([tr], "accepted"); });
  candidates.set(tr, c);
  return tr;
}

// measures explains a candidate's rank, on hover over it.
function measures(c) {
  return "得分 " + fixed(c.score, 1) + "；内部凝固度 " + fixed(c.cohesion, 2) + "；左邻字熵 " + fixed(c.left_entropy, 2) +
    "；右邻字熵 " + fixed(c.right_entropy, 2);
}

// cutNodes shows today's cut as its pieces, spaced (首发 经济).
function cutNodes(cut) {
  const pieces = cut.split(/\s+/).filter(Boolean);
  const out = [];
  pieces.forEach((p, i) => {
    if (i) out.push(" ");
    out.push(el("span", { class: "piece" }, p));
  });
  return out.length ? out : ["—"];
}

// inContext is an example with every occurrence of the word marked.
function inContext(text, word) {
  const out = [];
  let pos = 0;
  for (let at = word ? text.indexOf(word) : -1; at >= 0; at = text.indexOf(word, pos)) {
    if (at > pos) out.push(text.slice(pos, at));
    out.push(el("mark", {}, word));
    pos = at + word.length;
  }
  if (pos < text.length) out.push(text.slice(pos));
  return out;
}

const rowBoxes = () => Array.from($("c-list").querySelectorAll("tbody input.pick"));
const selectedRows = () => rowBoxes().filter((b) => b.checked).map((b) => b.closest("tr"));

function selectionChanged() {
  const boxes = rowBoxes();
  const n = boxes.filter((b) => b.checked).length;
  $("c-accept-selected").disabled = n === 0;
  $("c-reject-selected").disabled = n === 0;
  $("c-accept-selected").textContent = n ? "收入所选（" + n + "）" : "收入所选";
  $("c-reject-selected").textContent = n ? "不收所选（" + n + "）" : "不收所选";
  $("c-all").checked = n > 0 && n === boxes.length;
  $("c-all").indeterminate = n > 0 && n < boxes.length;
}

// decisionsOf is what a row's 收入 or 不收 records. A word trimmed before
// accepting is accepted as typed, and the candidate as discovery wrote it
// is rejected with it (so it is not suggested again); 不收 rejects the
// candidate as written.
function decisionsOf(tr, status) {
  const c = candidates.get(tr);
  const word = str(c.word);
  const typed = tr.querySelector("input.word").value.trim();
  const found = "新词发现（" + yearText(shownYear) + "）：出现" + (Number(c.freq) || 0) + "次，见于" + (Number(c.docs) || 0) + "件提案";
  if (status === "rejected" || typed === word) return [{ word: status === "rejected" ? word : typed, status, note: found }];
  return [{ word: typed, status: "accepted", note: found.replace("：", "：由“" + word + "”改定；原词") },
    { word, status: "rejected", note: "改为“" + typed + "”收入" }];
}

// decide records the decisions of rows in one request (all or none); the
// rows decided leave the list, the others stay as they are.
async function decide(rows, status) {
  rows = rows.filter((tr) => candidates.has(tr));
  if (!rows.length) return;
  const run = begin("c-decisions");
  const words = rows.flatMap((tr) => decisionsOf(tr, status));
  const buttons = rows.flatMap((tr) => Array.from(tr.querySelectorAll("button")));
  for (const b of buttons) b.disabled = true;
  $("c-msg").replaceChildren();
  try {
    const r = obj(await api("POST", "/api/v1/words", { words }));
    const stored = list(r.words).map(obj);
    const names = stored.filter((w) => w.status === status).map((w) => str(w.word));
    for (const tr of rows) drop(tr);
    dropDecided(stored.map((w) => str(w.word)));
    const verb = status === "accepted" ? "收入" : "不收";
    const text = "已" + verb + " " + names.length + " 个词：" + names.slice(0, 12).join("、") + (names.length > 12 ? "等" : "") + "。";
    $("c-msg").replaceChildren(el("span", { class: "done" }, text));
    showStatus(obj(r.status));
    finish("c-decisions", run, "done");
    loadDecided();
  } catch (e) {
    for (const b of buttons) b.disabled = false;
    const err = rows.length === 1 ? rows[0].querySelector(".row-error") : null;
    if (err && e instanceof APIError && e.status === 400) {
      err.textContent = e.detail;
      err.hidden = false;
    } else {
      showError($("c-msg"), e);
    }
    finish("c-decisions", run, "error");
  }
}

// drop takes a candidate's row out of the list.
function drop(tr) {
  candidates.delete(tr);
  tr.remove();
}

// dropDecided takes out the rows of candidates decided elsewhere on the
// page (a word added by hand, or typed into another row).
function dropDecided(words) {
  const gone = new Set(words);
  for (const tr of Array.from(candidates.keys())) if (gone.has(str(candidates.get(tr).word))) drop(tr);
  selectionChanged();
  leftOver();
}

// leftOver says how many candidates are left, and what to do when none is.
function leftOver(failed) {
  const found = Number($("c-summary").dataset.found) || 0;
  const left = candidates.size;
  $("c-list").hidden = left === 0;
  $("c-empty").hidden = left > 0 || failed === true;
  if (left === 0) {
    $("c-empty").textContent = found ? "这一批候选已全部处理。点“重新查找”可看下一批。" : yearText(shownYear) + "的提案中没有找到新的候选词。";
  }
  $("c-summary").dataset.left = String(left);
  const s = $("c-summary").textContent.replace(/，还剩 \d+ 个未处理$/, "");
  $("c-summary").textContent = found && left < found ? s + "，还剩 " + left + " 个未处理" : s;
}

// --- adding a word by hand

async function addWord() {
  const run = begin("add");
  const result = $("a-result");
  result.hidden = true;
  const note = $("a-note").value.trim() || "手动添加";
  try {
    const r = obj(await api("POST", "/api/v1/words", { words: [{ word: $("a-word").value, status: "accepted", note }] }));
    const stored = list(r.words).map(obj);
    const word = stored.length ? str(stored[0].word) : $("a-word").value.trim();
    result.className = "done";
    result.textContent = "已收入“" + word + "”。";
    result.hidden = false;
    $("a-word").value = "";
    $("a-note").value = "";
    dropDecided([word]);
    showStatus(obj(r.status));
    finish("add", run, "done");
    loadDecided();
  } catch (e) {
    result.className = "error";
    result.textContent = e instanceof APIError && e.detail ? e.detail : messageOf(e);
    result.hidden = false;
    $("a-word").setAttribute("aria-invalid", "true");
    finish("add", run, "error");
  }
}

// --- the decided words

async function loadDecided() {
  const run = begin("decided");
  try {
    const r = obj(await api("GET", "/api/v1/words"));
    if (stale("decided", run)) return;
    setDecided(list(r.words).map(obj));
    showStatus(obj(r.status));
    finish("decided", run, decided.length ? "done" : "empty");
  } catch (e) {
    if (stale("decided", run)) return;
    showError($("d-msg"), e);
    statusFailed(e);
    finish("decided", run, "error");
  }
}

// setDecided keeps the decisions and draws them again when they changed.
function setDecided(ws) {
  const sig = JSON.stringify(ws.map((w) => [w.word, w.status, w.note, w.by, w.at]));
  if (sig === decidedSignature) return;
  decidedSignature = sig;
  decided = ws.slice().sort((a, b) => str(b.at).localeCompare(str(a.at)) || str(a.word).localeCompare(str(b.word), "zh-CN"));
  renderDecided();
}

function renderDecided() {
  const q = $("d-filter").value.trim().toLowerCase();
  const kind = $("d-kind").value;
  const matches = (w) => !q || [w.word, w.note, actorName(w.by)].some((s) => str(s).toLowerCase().includes(q));
  let shown = 0;
  for (const status of ["accepted", "rejected"]) {
    const all = decided.filter((w) => w.status === status);
    const hits = all.filter(matches);
    const on = !kind || kind === status;
    const label = status === "accepted" ? "已收入" : "不收";
    $("d-" + status + "-title").hidden = !on;
    $("d-" + status + "-title").textContent = label + "（" + (q ? "找到 " + hits.length + " / " : "") + all.length + " 个）";
    $("d-" + status).hidden = !on || hits.length === 0;
    $("d-" + status).tBodies[0].replaceChildren(...(on ? hits.slice(0, MOST_DECIDED).map(decidedRow) : []));
    const none = $("d-" + status + "-none");
    none.hidden = !on || (hits.length > 0 && hits.length <= MOST_DECIDED);
    none.textContent = hits.length > MOST_DECIDED ? "只列出最近的 " + MOST_DECIDED + " 个，请用上方的查找缩小范围。"
      : all.length ? "没有符合查找条件的词语。" : status === "accepted" ? "还没有收入词语。" : "还没有不收的词语。";
    if (on) shown += Math.min(hits.length, MOST_DECIDED);
  }
  $("d-count").textContent = decided.length ? "共 " + decided.length + " 个词语，显示 " + shown + " 个" : "";
}

function decidedRow(w) {
  const word = str(w.word);
  return el("tr", { "data-word": word },
    el("td", { class: "w" }, word),
    el("td", { class: "note" }, str(w.note) || "—"),
    el("td", { class: "by" }, actorName(w.by)),
    el("td", { class: "at" }, when(w.at)),
    el("td", {}, el("button", { class: "undo", "data-word": word, title: w.status === "accepted" ? "移出词表" : "撤销“不收”：它可能再次被建议",
      onclick: () => undo(w) }, "撤销")));
}

// undo forgets a decision: an accepted word leaves the dictionary, a
// rejected one may be suggested again.
async function undo(w) {
  const word = str(w.word);
  const run = begin("decided");
  $("d-msg").replaceChildren();
  try {
    const r = obj(await api("DELETE", "/api/v1/words/" + encodeURIComponent(word)));
    showStatus(obj(r.status));
    const g = obj(await api("GET", "/api/v1/words"));
    setDecided(list(g.words).map(obj));
    showStatus(obj(g.status));
    notice($("d-msg"), w.status === "accepted" ? "已把“" + word + "”移出词表，检索索引将按新词表重新分析。"
      : "已撤销对“" + word + "”的“不收”，它可能再次出现在候选新词中。");
    finish("decided", run, decided.length ? "done" : "empty");
  } catch (e) {
    showError($("d-msg"), e);
    finish("decided", run, "error");
  }
}

// --- whether the words are in force

// showStatus says whether the accepted words are in force, and reads the
// status again a little later until they are.
function showStatus(st) {
  const n = Number(st.accepted) || 0;
  const version = str(st.version);
  let state, text;
  if (st.applying) {
    const total = Number(st.total) || 0;
    state = "applying";
    text = "正在按新词表重新分析检索索引（" + (total ? (Number(st.done) || 0) + "/" + total : "准备中") + "）";
  } else if (str(st.error)) {
    state = "error";
    text = "词表未能生效：" + str(st.error) + "（系统会自动重试）";
  } else if (str(st.segmenter) !== version) {
    state = "pending";
    text = "新词表已保存，正在载入分词……";
  } else if (str(st.index) !== version) {
    state = "pending";
    text = "新词表已用于分词，即将重新分析检索索引……";
  } else {
    state = "applied";
    text = n ? "词表已生效（" + n + " 个词）" : "词表已生效（尚未收入词语）";
  }
  const line = $("w-status");
  line.className = "status " + state;
  line.dataset.state = state;
  line.textContent = text;
  clearTimeout(pollTimer);
  if (state !== "applied") pollTimer = setTimeout(poll, state === "error" ? RETRY_MS : POLL_MS);
}

async function poll() {
  try {
    const r = obj(await api("GET", "/api/v1/words"));
    setDecided(list(r.words).map(obj));
    showStatus(obj(r.status));
  } catch (e) {
    statusFailed(e);
    pollTimer = setTimeout(poll, RETRY_MS);
  }
}

// statusFailed says the status could not be read (the page tries again
// only while it was following a change).
function statusFailed(e) {
  const line = $("w-status");
  line.className = "status error";
  line.dataset.state = "error";
  line.textContent = "无法读取词表状态：" + messageOf(e);
  clearTimeout(pollTimer);
}
