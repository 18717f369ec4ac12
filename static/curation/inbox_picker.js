/*
 * "从收集箱加入" for the issue page: pick new inbox items and pull them into a section.
 *
 * Wiring: a button per saved section,
 *   <button type="button" data-curation-pull-section="<section pk>"
 *           data-curation-inbox-url="/curation/inbox/"
 *           data-curation-pull-url="/curation/pull/">从收集箱加入</button>
 * Clicking it opens a panel after the button listing new inbox items (with a
 * search box); "加入本栏目" POSTs them to the pull endpoint (CSRF token from
 * the page's csrfmiddlewaretoken input or the csrftoken cookie) and reloads
 * the page, whose version the pull has moved on. If the page's form has
 * unsaved changes it refuses instead, so nothing typed is lost.
 */
(function () {
  "use strict";

  // The page's words (static/curation/texts.js, loaded first).
  var t = window.digestCurationText;

  var initialForms = new WeakMap();

  function snapshot(form) {
    return new URLSearchParams(new FormData(form)).toString();
  }

  function rememberForms() {
    document.querySelectorAll("form").forEach(function (form) {
      initialForms.set(form, snapshot(form));
    });
  }

  function csrfToken(button) {
    var form = button.closest("form") || document;
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function el(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text) element.textContent = text;
    return element;
  }

  function list(panel, button, query) {
    var url = new URL(button.dataset.curationInboxUrl, window.location.href);
    if (query) url.searchParams.set("q", query);
    var items = panel.querySelector(".curation-picker-items");
    items.replaceChildren(el("li", "curation-muted", t("loading", "载入中…")));
    fetch(url.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        items.replaceChildren();
        if (!data.items.length) items.appendChild(el("li", "curation-muted", t("inboxEmpty", "收集箱里没有待用的链接。")));
        data.items.forEach(function (item) {
          var row = el("li");
          var label = el("label");
          var box = el("input");
          box.type = "checkbox";
          box.value = String(item.id);
          label.appendChild(box);
          label.appendChild(document.createTextNode(" " + (item.title || item.url)));
          row.appendChild(label);
          var meta = [item.intended_section, item.source, item.created_by].filter(Boolean).join(" · ");
          row.appendChild(el("span", "curation-muted", " " + meta + " " + item.url));
          items.appendChild(row);
        });
      })
      .catch(function () {
        items.replaceChildren(el("li", "curation-muted", t("inboxUnavailable", "收集箱暂时打不开。")));
      });
  }

  function pull(panel, button) {
    var status = panel.querySelector(".curation-picker-status");
    var form = button.closest("form");
    if (form && initialForms.has(form) && initialForms.get(form) !== snapshot(form)) {
      status.textContent = t("unsavedFirst", "本页有未保存的修改：请先保存，再从收集箱加入。");
      return;
    }
    var chosen = Array.prototype.map.call(
      panel.querySelectorAll(".curation-picker-items input:checked"),
      function (box) { return box.value; }
    );
    if (!chosen.length) {
      status.textContent = t("pickFirst", "请先勾选要加入的链接。");
      return;
    }
    var body = new URLSearchParams();
    body.set("section", button.dataset.curationPullSection);
    chosen.forEach(function (id) { body.append("item", id); });
    fetch(button.dataset.curationPullUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(button), Accept: "application/json" },
      body: body,
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        if (!result.ok) {
          status.textContent = (result.data.errors || [t("pullFailed", "加入失败。")]).join(" ");
          return;
        }
        window.location.reload();
      })
      .catch(function () { status.textContent = t("pullRetry", "加入失败，请重试。"); });
  }

  function open(button) {
    var panel = button.nextElementSibling;
    if (panel && panel.classList.contains("curation-picker")) {
      panel.hidden = !panel.hidden;
      if (!panel.hidden) list(panel, button, "");
      return;
    }
    panel = el("div", "curation-picker");
    var search = el("input");
    search.type = "search";
    search.placeholder = t("searchInbox", "搜索收集箱");
    search.setAttribute("aria-label", search.placeholder);
    var timer;
    search.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { list(panel, button, search.value.trim()); }, 300);
    });
    // Enter in the search box must not submit the issue form.
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
    panel.appendChild(search);
    panel.appendChild(el("ul", "curation-picker-items"));
    var add = el("button", "button", t("addToSection", "加入本栏目"));
    add.type = "button";
    add.addEventListener("click", function () { pull(panel, button); });
    panel.appendChild(add);
    panel.appendChild(el("span", "curation-picker-status"));
    panel.querySelector(".curation-picker-status").setAttribute("role", "status");
    button.insertAdjacentElement("afterend", panel);
    list(panel, button, "");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-curation-pull-section]");
    if (button) {
      event.preventDefault();
      open(button);
    }
  });
  // After every other script of the page has set its forms up.
  if (document.readyState === "complete") {
    rememberForms();
  } else {
    window.addEventListener("load", rememberForms);
  }
})();
