// Small progressive enhancements; every page works without them.

// File inputs read in Chinese whatever the browser's language (an English browser labels its own button "Choose
// File"): a 选择文件 button and the chosen names stand in front of the native input, which stays in the form,
// behind its label and before its error messages, visually hidden.
function chineseFileInputs(root) {
  root.querySelectorAll('input[type="file"].form-control:not([data-zc-file])').forEach((input) => {
    input.dataset.zcFile = "1";
    const inGroup = input.parentElement.classList.contains("input-group");
    const group = inGroup ? input.parentElement : document.createElement("div");
    if (!inGroup) group.className = "input-group zc-file";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary";
    button.textContent = "选择文件";
    const names = document.createElement("span");
    names.className = "form-control text-truncate zc-file-names";
    names.id = `${input.id || input.name}-names`;
    names.setAttribute("aria-live", "polite");
    if (input.classList.contains("is-invalid")) names.classList.add("is-invalid");
    const show = () => {
      const files = Array.from(input.files || []).map((f) => f.name);
      names.textContent = files.length === 0 ? "未选择文件" : files.length === 1 ? files[0] : `已选择${files.length}个文件：${files.join("、")}`;
      names.title = files.join("\n");
      names.classList.toggle("text-muted", files.length === 0);
    };
    button.addEventListener("click", () => input.click());
    input.addEventListener("change", show);
    if (inGroup) { group.insertBefore(names, input); group.insertBefore(button, names); } else {
      group.append(button, names);
      input.before(group);
    }
    button.setAttribute("aria-describedby", names.id);
    input.classList.add("visually-hidden");
    input.tabIndex = -1;
    show();
  });
}
document.addEventListener("htmx:load", (e) => chineseFileInputs(e.detail.elt));

// A progress bar's width comes from its data-percent: the Content-Security-Policy refuses style attributes, not
// styles set from a script.
function progressWidths(root) {
  root.querySelectorAll("[data-percent]").forEach((bar) => { bar.style.width = `${Number(bar.dataset.percent) || 0}%`; });
}
document.addEventListener("htmx:load", (e) => progressWidths(e.detail.elt));

// The idle timeout (accounts.middleware): the server signs out a session that has made no request for
// data-idle-seconds. Typing into a long form makes no request, so while the person is active the page says so
// to the server (at most once a minute); when they are away, a warning comes a few minutes before the timeout,
// with 继续使用, and at the timeout a notice that they have been signed out, leaving the page's text where it is.
// The tabs of one browser share one session: each notes its last request in localStorage, and all go by the
// latest, so that a tab left open is not warned while the person works in another.
// Signed out, the page keeps its forms from being sent (the server would only answer with the login page, and
// the text would be lost) and asks accounts:session_state, which restarts no idle clock, whenever the person
// comes back to it: once the same account has signed in again in another tab, the page takes that sign-in's CSRF
// token and its forms can be saved as they stand.
function idleWatch() {
  const body = document.body;
  const seconds = parseInt(body.dataset.idleSeconds || "0", 10);
  if (!seconds) return;
  const limit = seconds * 1000;
  const warnBefore = Math.min(300000, limit / 5);
  const KEY = "zc-last-request";
  let lastServer = 0;
  const mark = (time) => {
    lastServer = time;
    try { localStorage.setItem(KEY, String(time)); } catch (error) { /* storage off: this tab alone */ }
  };
  const latest = () => {
    let shared = 0;
    try { shared = parseInt(localStorage.getItem(KEY) || "0", 10) || 0; } catch (error) { /* this tab alone */ }
    return Math.max(lastServer, shared);
  };
  mark(Date.now());
  let lastActivity = 0;
  let notice = null;
  let signedOut = false;
  // withButton: 继续使用 (true), 重新登录 (false) or nothing ("none"); tone: the alert's colour.
  const show = (text, withButton, tone = "warning") => {
    if (!notice) {
      notice = document.createElement("div");
      notice.setAttribute("role", "alertdialog");
      notice.dataset.testid = "idle-notice";
      body.append(notice);
    }
    notice.className = `alert alert-${tone} shadow zc-idle d-flex align-items-center gap-2`;
    notice.replaceChildren(Object.assign(document.createElement("span"), { textContent: text }));
    if (withButton === "none") return;
    if (withButton) {
      const button = Object.assign(document.createElement("button"), {
        type: "button", className: "btn btn-sm btn-primary text-nowrap", textContent: "继续使用" });
      button.addEventListener("click", () => { hide(); ping(); });
      notice.append(button);
    } else {
      const login = `${body.dataset.loginUrl}?next=${encodeURIComponent(location.pathname + location.search)}`;
      notice.append(Object.assign(document.createElement("a"), {
        href: login, target: "_blank", className: "btn btn-sm btn-outline-primary text-nowrap", textContent: "重新登录" }));
    }
  };
  const hide = () => { if (notice) { notice.remove(); notice = null; } };
  const SIGNED_OUT = "您已长时间未操作，为保护个人信息已自动退出。请点“重新登录”在新窗口中登录，再回到本页保存，页面上填写的内容不会丢失。";
  const signOut = () => {
    signedOut = true;
    show(SIGNED_OUT, false);
  };
  const resume = (state) => {
    document.querySelectorAll('input[name="csrfmiddlewaretoken"]').forEach((input) => { input.value = state.csrf; });
    body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": state.csrf }));
    signedOut = false;
    mark(Date.now() - Math.max(0, limit - state.idle_left * 1000));  // the server's idle clock, not a new one
    if (state.idle_left * 1000 > limit - 120000) {  // a new sign-in
      show("已重新登录，可以继续填写并保存。", "none", "success");
      setTimeout(() => { if (!signedOut) hide(); }, 8000);
    } else hide();  // the old session, not quite over by the server's clock: the next tick warns as usual
  };
  let checking = false;
  const recheck = async () => {
    if (!signedOut || checking) return;
    checking = true;
    try {
      const response = await fetch(body.dataset.sessionUrl, { credentials: "same-origin", cache: "no-store" });
      const state = await response.json();
      if (state.signed_in && String(state.account) === body.dataset.account) resume(state);
      else if (state.signed_in) show("本浏览器现已登录其他账号，本页内容不能保存到该账号。请退出该账号，以原账号重新登录后再回到本页。", false);
    } catch (error) { /* offline for a moment: the next look tries again */ } finally { checking = false; }
  };
  window.addEventListener("focus", recheck);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") recheck(); });
  document.addEventListener("submit", (event) => {
    if (!signedOut || event.target.matches("[data-idle-exempt]")) return;
    event.preventDefault();  // sent now it would be lost: say so again, next to where she looks
    event.stopPropagation();  // nor may htmx send it, or the unsaved-input guard think it sent
    show(SIGNED_OUT, false);
    notice.classList.add("zc-idle-again");
    setTimeout(() => notice && notice.classList.remove("zc-idle-again"), 600);
    recheck();
  }, true);
  const ping = async () => {
    mark(Date.now());
    try {
      const response = await fetch(body.dataset.keepaliveUrl, { credentials: "same-origin", cache: "no-store" });
      if (response.redirected || response.status !== 204) signOut();  // already signed out on the server
    } catch (error) { /* offline for a moment: the next tick tries again */ }
  };
  ["keydown", "input", "pointerdown", "wheel"].forEach((type) =>
    document.addEventListener(type, () => { lastActivity = Date.now(); }, { capture: true, passive: true }));
  document.addEventListener("htmx:afterRequest", (event) => {  // a drawer or a tab loaded; not the bell
    if (!event.detail.elt.closest("[data-idle-exempt]")) mark(Date.now());
  });
  setInterval(() => {
    if (signedOut) { recheck(); return; }
    const now = Date.now();
    if (lastActivity > lastServer && now - lastServer >= 60000) { hide(); ping(); return; }
    const idle = now - latest();
    if (idle >= limit) signOut();
    else if (idle >= limit - warnBefore) {
      show(`您已较长时间未操作，为保护个人信息，系统将在约${Math.max(1, Math.ceil((limit - idle) / 60000))}分钟后自动退出，未保存的内容将会丢失。`, true);
    } else hide();  // another tab has been busy meanwhile
  }, 15000);
}

// Leaving a long form with changes not yet saved asks first (the browser's own "离开此网站？"): the forms marked
// data-unsaved. Sending the form does not ask.
function unsavedGuard() {
  let dirty = false;
  document.querySelectorAll("form[data-unsaved]").forEach((form) => {
    ["input", "change"].forEach((type) => form.addEventListener(type, () => { dirty = true; }));
    form.addEventListener("submit", () => { dirty = false; });
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
}

// Behaviour the pages declare with data- attributes, delegated from the document, so that no page carries an inline
// script or an on…= handler and a strict Content-Security-Policy (script-src 'self') can be set.
function declaredBehaviour() {
  // data-confirm on a form asks before it is sent; on a button or link, before its click does anything. Listened
  // for in the capture phase (registered after the idle watch's), so a refusal also keeps htmx and the
  // unsaved-input guard from acting on the submit.
  const refuse = (event) => { event.preventDefault(); event.stopPropagation(); };
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || !form.matches("form[data-confirm]")) return;
    if (!window.confirm(form.dataset.confirm)) refuse(event);
  }, true);
  document.addEventListener("click", (event) => {
    const trigger = event.target.closest("button[data-confirm], input[data-confirm], a[data-confirm]");
    if (trigger && !window.confirm(trigger.dataset.confirm)) refuse(event);
  }, true);
  // data-params="name:id …": an htmx request from this element also sends, under each name, the value of the
  // element with that id as it is when the request leaves (what hx-vals='js:…' would do, by evaluating code).
  document.addEventListener("htmx:configRequest", (event) => {
    const spec = event.detail.elt.dataset && event.detail.elt.dataset.params;
    if (!spec) return;
    spec.trim().split(/\s+/).forEach((pair) => {
      const [name, id] = pair.split(":");
      const source = document.getElementById(id);
      event.detail.parameters[name] = source ? source.value : "";
    });
  });
  // A print generated in the background (applications/_print_status.html): once the poll says it is ready, its
  // link is followed, which downloads the file and leaves the page where it is.
  document.addEventListener("htmx:load", (event) => {
    const link = event.detail.elt.querySelector && event.detail.elt.querySelector("a[data-autodownload]");
    if (link) window.location.assign(link.href);
  });
  // A select marked data-autosubmit sends its form when changed (a <noscript> button does it without script).
  document.addEventListener("change", (event) => {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
  });
  // The image captcha: a click shows a new image.
  document.addEventListener("click", (event) => {
    const image = event.target.closest("img.zc-captcha");
    if (image) image.src = `${image.src.split("?")[0]}?${Date.now()}`;
  });
  // 批量通过 (the unit's review list, #batch-form): 全选 and "当前表格已选择 N 项".
  const batch = document.getElementById("batch-form");
  const all = batch && batch.querySelector("[data-select-all]");
  if (all) {
    const boxes = () => batch.querySelectorAll("input[name=ids]");
    const count = () => {
      batch.querySelector("[data-selected]").textContent = [...boxes()].filter((b) => b.checked).length;
    };
    all.addEventListener("change", () => { boxes().forEach((b) => { b.checked = all.checked; }); count(); });
    batch.addEventListener("change", count);
  }
  // A decision form (the review chain's 通过 / 退回 / …) shows the fields of the decision picked: [data-when].
  document.querySelectorAll("[data-decision-form]").forEach((form) => {
    const show = () => {
      // A block may serve several decisions: data-when lists them, separated by spaces.
      const picked = (form.querySelector("input[name$='decision']:checked") || {}).value || "";
      form.querySelectorAll("[data-when]").forEach((el) => { el.hidden = !el.dataset.when.split(" ").includes(picked); });
    };
    form.addEventListener("change", show);
    show();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  chineseFileInputs(document);
  idleWatch();
  unsavedGuard();
  declaredBehaviour();
  // Derived, read-only gender and birth date from an 18-digit ID number (the server derives them again).
  // Shown only when the GB 11643 check character matches, so a mistyped number derives nothing.
  const idCheckOk = (v) => {
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = weights.reduce((acc, w, i) => acc + w * parseInt(v[i], 10), 0);
    return "10X98765432"[sum % 11] === v[17];
  };
  const idInput = document.querySelector("[data-derive-id]");
  if (idInput) {
    const show = () => {
      const v = idInput.value.trim().toUpperCase();
      const out = document.getElementById("id-derived");
      if (/^\d{17}[\dX]$/.test(v) && idCheckOk(v)) {
        out.value = `${v.slice(6, 10)}-${v.slice(10, 12)}-${v.slice(12, 14)} · ${parseInt(v[16], 10) % 2 ? "男" : "女"}`;
      } else { out.value = ""; }
    };
    idInput.addEventListener("input", show); show();
  }
  // After 获取验证码: the image captcha it sent is used up, so a new image replaces it (and its answer is
  // cleared); after a successful send the button counts down.
  document.body.addEventListener("htmx:afterSwap", (e) => {
    if (e.detail.target.id !== "sms-status") return;
    const image = document.querySelector("img.zc-captcha");
    if (image) {
      image.src = `${image.src.split("?")[0]}?${Date.now()}`;
      const answer = image.closest(".input-group").querySelector("input");
      if (answer) answer.value = "";
    }
    const ok = e.detail.target.querySelector("[data-sms-ok]");
    const btn = document.querySelector("[data-sms-button]");
    if (ok && btn) {
      let left = 60; btn.disabled = true;
      const tick = setInterval(() => {
        btn.textContent = `${left}秒后重新获取`; left -= 1;
        if (left < 0) { clearInterval(tick); btn.disabled = false; btn.textContent = "获取验证码"; }
      }, 1000);
    }
  });
  // Unit picker: choosing an option fills the hidden unit id and the visible name.
  document.body.addEventListener("click", (e) => {
    const opt = e.target.closest("[data-unit-id]");
    if (!opt) return;
    e.preventDefault();
    document.getElementById("id_unit").value = opt.dataset.unitId;
    document.getElementById("unit-search").value = opt.dataset.unitName;
    document.getElementById("unit-options").innerHTML = "";
  });
  // Region cascader: province › city › district selects filled from /units/regions/.
  document.querySelectorAll("[data-region-cascader]").forEach((box) => {
    const hidden = document.getElementById(box.dataset.target);
    const selects = box.querySelectorAll("select");
    const url = box.dataset.url;
    const fill = async (select, parent, selected) => {
      const resp = await fetch(parent ? `${url}?parent=${parent}` : url);
      const data = await resp.json();
      select.innerHTML = `<option value="">${select.dataset.placeholder}</option>` +
        data.regions.map((r) => `<option value="${r.code}">${r.name}</option>`).join("");
      select.disabled = data.regions.length === 0;
      if (selected) select.value = selected;
    };
    selects.forEach((select, i) => {
      select.addEventListener("change", async () => {
        hidden.value = select.value || (i > 0 ? selects[i - 1].value : "");
        for (let j = i + 1; j < selects.length; j++) { selects[j].innerHTML = `<option value="">${selects[j].dataset.placeholder}</option>`; selects[j].disabled = true; }
        if (select.value && i + 1 < selects.length) await fill(selects[i + 1], select.value);
      });
    });
    const initial = hidden.value;
    (async () => {
      await fill(selects[0], null, initial ? initial.slice(0, 2) + "0000" : "");
      if (initial && initial.slice(2) !== "0000") {
        await fill(selects[1], initial.slice(0, 2) + "0000", initial.slice(0, 4) + "00");
        if (initial.slice(4) !== "00") await fill(selects[2], initial.slice(0, 4) + "00", initial);
      }
    })();
  });
});

// 我已阅读并同意 in the registration agreement's dialog ticks the form's checkbox (data-agree names its id).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-agree]");
  if (!button) return;
  const box = document.getElementById(button.dataset.agree);
  if (box) box.checked = true;
});
