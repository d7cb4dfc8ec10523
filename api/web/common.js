// What every page shares: building nodes, fetching from the API with
// errors in Chinese, the markers browser tests wait on, the header with
// the pages the signed-in role may open, links to proposals, and in-page
// confirmations and messages (never alert or confirm).
//
// The pages are plain ES modules with nothing inline and no eval, so that
// they run under the server's Content-Security-Policy (script-src 'self';
// style-src 'self': no style attributes either; sizes are set through
// element.style, which the policy allows). Every answer is read
// defensively: a list may be missing, null or empty, a number may be
// absent. User text is only ever set with textContent.

export const $ = (id) => document.getElementById(id);
export const list = (x) => (Array.isArray(x) ? x : []);
export const obj = (x) => (x !== null && typeof x === "object" && !Array.isArray(x) ? x : {});
export const str = (x) => (x === null || x === undefined ? "" : String(x));
export const fixed = (x, digits) => (typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : "—");
// percent says a score in [0, 1] (a similarity, a probability) as a whole percentage: 0.26 → 26%.
export const percent = (x) => (typeof x === "number" && Number.isFinite(x) ? Math.round(x * 100) + "%" : "—");
// together says a pair model's score: not how alike two texts read but
// the probability that staff would put the two proposals in one group
// (two texts on the same topic may score 95%). togetherHint explains it
// where the score is shown.
export const together = (x) => "同组可能性 " + percent(x);
export const togetherHint = "同组可能性：系统据以往并案和分组估计工作人员会把两件提案编入同一组的可能性，不是两件提案文字相同的比例。";

// el builds an element: attrs may hold class, on<event> handlers and
// attributes; children are nodes or text.
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(str(c)));
  }
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

// An APIError's message is the whole sentence for a page's error line;
// detail is the server's own message alone, for a note beside an input.
export class APIError extends Error {
  constructor(message, code, status, detail) {
    super(message);
    this.code = code || "";
    this.status = status || 0;
    this.detail = detail || message;
  }
}

// api calls the JSON API and returns its answer as an object; it throws
// an APIError with a Chinese message for any failure.
export async function api(method, path, body) {
  const opts = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  return answer(await send(path, opts));
}

// upload posts a form (a file and its fields) and returns the answer.
export async function upload(path, form) {
  return answer(await send(path, { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" }, body: form }));
}

async function send(path, opts) {
  try {
    return await fetch(path, opts);
  } catch {
    throw new APIError("无法连接服务器，请检查网络后重试。");
  }
}

async function answer(res) {
  if (res.status === 401) {
    location.assign("/signin");
    throw new APIError("登录已过期，正在转到登录页……", "unauthorized", 401);
  }
  let data = null;
  if (res.status !== 204) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (!res.ok) throw errorOf(res, obj(data));
  if (res.status === 204) return {};
  if (data === null || typeof data !== "object") {
    throw new APIError("服务器返回了无法识别的内容（HTTP " + res.status + "）。", "", res.status);
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
  return new APIError(text, code, res.status, msg);
}

// messageOf says what went wrong: the API's errors in their own words,
// anything else as a fault of the page.
export function messageOf(err) {
  return err instanceof APIError ? err.message : "页面出错：" + str(err && err.message);
}

export function showError(target, err) {
  target.replaceChildren(el("p", { class: "error", role: "alert" }, messageOf(err)));
}

export function notice(target, text) {
  target.replaceChildren(el("p", { class: "notice" }, text));
}

// --- runs: each section says when a run has finished (data-run counts its
// runs; data-state is "busy" while one is under way, then "done", "empty"
// (nothing to do) or "error"), for the browser tests.

export function begin(section) {
  const d = $(section).dataset;
  d.run = String(Number(d.run || 0) + 1);
  d.state = "busy";
  return d.run;
}

// finish ends a run, unless a later one has started (its result then
// counts, and this one's is dropped).
export function finish(section, run, state) {
  const d = $(section).dataset;
  if (d.run === run) d.state = state;
}

export const stale = (section, run) => $(section).dataset.run !== run;

// --- the header

let mePromise = null;

// me returns who is signed in: {name, role, role_label, pages: [{name,
// title, path}], current_year, group_threshold, categories: [{code, name}]}.
export function me() {
  if (!mePromise) mePromise = api("GET", "/api/v1/me").then(obj);
  return mePromise;
}

// mountHeader draws the header into <header id="top">: the pages the
// role may open, the current one marked, and sign-out. It resolves to me
// (an empty object when it could not be read; the page goes on).
export async function mountHeader(active) {
  const top = $("top");
  let who = {};
  try {
    who = await me();
  } catch (e) {
    top.replaceChildren(el("h1", {}, "tian 提案"), el("p", { class: "error", role: "alert" }, messageOf(e)));
    return who;
  }
  const nav = el("nav", {}, ...list(who.pages).map(obj).map((p) =>
    el("a", { href: str(p.path), class: p.name === active ? "active" : "", "aria-current": p.name === active ? "page" : undefined }, str(p.title))));
  const out = el("form", { method: "post", action: "/signout" }, el("button", { class: "link" }, "退出"));
  top.replaceChildren(el("h1", {}, "tian 提案"), nav, el("span", { class: "who" }, str(who.name) + "（" + str(who.role_label) + "）"), out);
  return who;
}

// proposalYears reads the years that have proposals, with how many each
// received ([{year, count}]), from the statistics, which leave out records
// that are not proposals (an imported message board's) as grouping and
// 查重 do.
export async function proposalYears() {
  const r = obj(await api("GET", "/api/v1/stats"));
  return list(obj(r.stats).years).map(obj).map((y) => ({ year: Number(y.year), count: Number(y.received) || 0 })).filter((y) => y.year > 0);
}

// statusBadge marks a proposal's status as shown (立案, 不予立案, 并案, or
// the page's word for none), coloured by its kind; cls adds classes.
export function statusBadge(text, cls) {
  const kind = { 立案: "filed", 不予立案: "rejected", 并案: "merged" }[text] || "none";
  return el("span", { class: (cls ? cls + " " : "") + "badge status-" + kind }, text);
}

// when says a stored time (an RFC 3339 string, in UTC) in the reader's
// local time, as 2024年3月5日 14:05; dateOnly leaves out the time.
export function when(iso, dateOnly) {
  const d = new Date(str(iso));
  if (!iso || Number.isNaN(d.getTime())) return "—";
  return dateOnly ? d.toLocaleDateString("zh-CN", { dateStyle: "long" }) : d.toLocaleString("zh-CN", { dateStyle: "long", timeStyle: "short" });
}

// actorName names the actor the server records (token:王芳 for a token's owner,
// cli for the command line, demo for the demo's loading) for the reader.
export function actorName(actor) {
  const a = str(actor);
  if (a.startsWith("token:")) return a.slice(6) || "（未命名令牌）";
  return { cli: "命令行", demo: "演示数据", anonymous: "匿名", "": "—" }[a] || a;
}

// --- links, confirmations and messages

// proposalLink links to a proposal's page.
export function proposalLink(number, text) {
  return el("a", { href: "/p/" + encodeURIComponent(str(number)) }, str(text === undefined ? number : text));
}

// --- resubmissions and copies (tian.Match's kinds)

// isDuplicate says whether a match repeats the text, however edited: a
// resubmission of an earlier year's proposal, or a copy.
export const isDuplicate = (m) => m.kind === "resubmission" || m.kind === "copy";

// kindLabel names a duplicate's kind as staff say it (tian.Match.KindLabel).
export const kindLabel = (m) => (m.kind === "resubmission" ? "重复提交" : m.kind === "copy" ? "疑似雷同" : "相似");

// duplicateNote says what a duplicate repeats and where that proposal
// stands, word for word as tian.Match.DuplicateNote: m is a match, or a
// 查重 pair's kind with the proposal repeated (its has_reply for a reply).
export function duplicateNote(m) {
  let note = m.kind === "copy" ? "与同年第" + str(m.number) + "号提案文字基本相同" : "与" + str(m.year) + "年第" + str(m.number) + "号提案基本相同";
  if (str(m.reply) || m.has_reply === true) note += "，已答复";
  else if (str(m.status) === "立案" || str(m.status) === "并案") note += "，已" + str(m.status);
  else if (str(m.status)) note += "，" + str(m.status);
  return note;
}

// kindMark is a duplicate's kind, marked to stand out in a line of
// facts, and its note: 疑似雷同：与同年第…号提案文字基本相同，已立案.
export const kindMark = (m) => [el("strong", { class: "kind" }, kindLabel(m)), "：" + duplicateNote(m)];

// joinFacts puts " · " between the facts shown in a line, each a text or
// a list of texts and nodes, leaving out the empty ones.
export function joinFacts(facts) {
  const out = [];
  for (const f of facts.filter((f) => (Array.isArray(f) ? f.length : str(f)))) {
    if (out.length) out.push(" · ");
    out.push(...(Array.isArray(f) ? f : [f]));
  }
  return out;
}

// passages shows a duplicate's repeated sentences side by side: the text
// under review (本件) and the proposal it repeats (该件).
export function passages(m) {
  const ps = list(m.passages).map(obj).filter((p) => str(p.a) || str(p.b));
  if (!ps.length) return null;
  return el("table", { class: "passages" },
    el("thead", {}, el("tr", {}, el("th", {}, "本件"), el("th", {}, "该件（" + str(m.number) + "）"), el("th", {}, "相似度"))),
    el("tbody", {}, ...ps.map((p) => el("tr", {}, el("td", {}, str(p.a)), el("td", {}, str(p.b)), el("td", { class: "num" }, percent(Number(p.similarity)))))));
}

// confirmDialog asks in the page and resolves to true when the user
// agrees; Escape or 取消 resolve to false.
export function confirmDialog(text, okLabel) {
  return new Promise((resolve) => {
    const ok = el("button", { class: "primary", value: "ok" }, okLabel || "确定");
    const cancel = el("button", { value: "cancel" }, "取消");
    const form = el("form", { method: "dialog" }, el("p", {}, text), el("div", { class: "row end" }, cancel, ok));
    const d = el("dialog", { class: "confirm" }, form);
    d.addEventListener("close", () => {
      resolve(d.returnValue === "ok");
      d.remove();
    });
    document.body.append(d);
    d.showModal();
    ok.focus();
  });
}

// toast shows a short message at the bottom of the page for a few
// seconds; it is also read out by screen readers.
export function toast(text, kind) {
  let box = $("toasts");
  if (!box) {
    box = el("div", { id: "toasts", role: "status", "aria-live": "polite" });
    document.body.append(box);
  }
  const t = el("div", { class: "toast" + (kind === "error" ? " error" : "") }, text);
  box.append(t);
  setTimeout(() => t.remove(), 5000);
}

// highlight splits text into nodes with <mark> over the spans, which are
// byte offsets of the UTF-8 text; spans that overlap or fall outside are
// skipped.
export function highlight(text, spans) {
  const bytes = new TextEncoder().encode(text);
  const dec = new TextDecoder();
  const valid = list(spans).filter((s) => Array.isArray(s) && Number.isInteger(s[0]) && Number.isInteger(s[1]) && s[0] < s[1]);
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

// marked rebuilds the server's highlighted HTML (escaped text with <mark>)
// as nodes: marks stay marks, anything else becomes its text.
export function marked(html) {
  const doc = new DOMParser().parseFromString("<!doctype html><body>" + str(html), "text/html");
  return Array.from(doc.body.childNodes, (n) =>
    n.nodeName === "MARK" ? el("mark", {}, n.textContent) : document.createTextNode(str(n.textContent)));
}
