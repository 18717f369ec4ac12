/*
 * Link check for URL inputs: duplicate warnings and prefill suggestions.
 *
 * Any <input> carrying data-curation-duplicates-url and/or
 * data-curation-prefill-url is watched (also inputs added later, e.g. a new
 * inline row). When its value becomes an http(s) link the script asks:
 *   GET <duplicates-url>?url=…[&entry=<id>|&item=<id>]  → {appearances: [...]}
 *   GET <prefill-url>?url=…                             → {suggestions: {...}}
 * and shows, right after the input, a warning listing where the link appeared
 * (links open in a new tab) and a "use suggestion" button that fills the
 * sibling title / source / summary / label fields that are still empty.
 * Siblings are found by name: "sections-0-entries-2-url" → "…-title".
 * data-curation-kind="entry" sends the sibling "id" field so an entry is not
 * its own duplicate; "inbox" sends data-curation-item.
 * data-curation-check-on-load checks a prefilled value at once.
 * No inline script or handler anywhere (CSP script-src 'self').
 */
(function () {
  "use strict";

  // The page's words (static/curation/texts.js, loaded first).
  var t = window.digestCurationText;

  var SELECTOR = "input[data-curation-duplicates-url], input[data-curation-prefill-url]";
  var FIELDS = ["title", "source", "summary", "label"];
  var FIELD_FALLBACKS = { title: "标题", source: "来源", summary: "摘要", label: "标签" };
  function fieldName(field) {
    return t("field" + field.charAt(0).toUpperCase() + field.slice(1), FIELD_FALLBACKS[field]);
  }
  var panels = new WeakMap();
  var timers = new WeakMap();
  var lastChecked = new WeakMap();

  function sibling(input, field) {
    if (!input.form || !input.name || !/url$/.test(input.name)) return null;
    var element = input.form.elements.namedItem(input.name.replace(/url$/, field));
    return element && element.tagName ? element : null;
  }

  function panel(input) {
    var element = panels.get(input);
    if (!element || !element.isConnected) {
      element = document.createElement("div");
      element.className = "curation-linkcheck";
      element.setAttribute("role", "status");
      element.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", element);
      panels.set(input, element);
    }
    return element;
  }

  function getJSON(base, params) {
    var url = new URL(base, window.location.href);
    Object.keys(params).forEach(function (key) {
      if (params[key]) url.searchParams.set(key, params[key]);
    });
    return fetch(url.toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    });
  }

  function el(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text) element.textContent = text;
    return element;
  }

  function showDuplicates(container, appearances) {
    var old = container.querySelector(".curation-duplicates");
    if (old) old.remove();
    if (!appearances || !appearances.length) return;
    var box = el("div", "curation-duplicates");
    box.appendChild(el("p", "", t("seenBefore", "⚠ 这个链接以前出现过（只是提醒，仍可保存）：")));
    var list = el("ul");
    appearances.forEach(function (appearance) {
      var item = el("li");
      var link = el("a", "", appearance.where);
      link.href = appearance.link;
      link.target = "_blank";
      link.rel = "noopener";
      item.appendChild(link);
      item.appendChild(document.createTextNode(" — " + appearance.title));
      list.appendChild(item);
    });
    box.appendChild(list);
    container.prepend(box);
  }

  function fill(input, suggestions) {
    var filled = [];
    FIELDS.forEach(function (field) {
      var target = sibling(input, field);
      if (!target || !suggestions[field] || target.value.trim()) return;
      target.value = suggestions[field];
      target.dispatchEvent(new Event("input", { bubbles: true }));
      target.dispatchEvent(new Event("change", { bubbles: true }));
      filled.push(fieldName(field));
    });
    return filled;
  }

  function showSuggestion(input, container, suggestions) {
    var old = container.querySelector(".curation-suggestion");
    if (old) old.remove();
    if (!suggestions) return;
    var usable = FIELDS.filter(function (field) {
      return suggestions[field] && sibling(input, field);
    });
    if (!usable.length) return;
    var box = el("div", "curation-suggestion");
    var text = [suggestions.label ? "[" + suggestions.label + "]" : "", suggestions.title || "",
      suggestions.source ? "| " + suggestions.source : ""].filter(Boolean).join(" ");
    box.appendChild(el("span", "", t("suggestion", "建议：") + text + " "));
    var button = el("button", "button curation-use-suggestion", t("useSuggestion", "使用建议"));
    button.type = "button";
    button.addEventListener("click", function () {
      var filled = fill(input, suggestions);
      box.replaceChildren(el("span", "", filled.length
        ? t("filled", "已填入：") + filled.join("、")
        : t("nothingToFill", "要填的框都已有内容，未改动。")));
    });
    box.appendChild(button);
    if (suggestions.summary) box.appendChild(el("p", "curation-muted", suggestions.summary));
    container.appendChild(box);
  }

  function check(input) {
    var value = input.value.trim();
    if (lastChecked.get(input) === value) return;
    lastChecked.set(input, value);
    var container = panel(input);
    container.replaceChildren();
    if (!/^https?:\/\/\S+$/i.test(value)) return;
    var exclude = {};
    if (input.dataset.curationKind === "entry") {
      var id = sibling(input, "id");
      if (id && id.value) exclude.entry = id.value;
    } else if (input.dataset.curationItem) {
      exclude.item = input.dataset.curationItem;
    }
    var stillCurrent = function () { return input.value.trim() === value; };
    if (input.dataset.curationDuplicatesUrl) {
      getJSON(input.dataset.curationDuplicatesUrl, Object.assign({ url: value }, exclude))
        .then(function (data) { if (stillCurrent()) showDuplicates(container, data.appearances); })
        .catch(function () { /* a failed check is no warning, never an error */ });
    }
    if (input.dataset.curationPrefillUrl) {
      getJSON(input.dataset.curationPrefillUrl, { url: value })
        .then(function (data) { if (stillCurrent()) showSuggestion(input, container, data.suggestions); })
        .catch(function () { /* no suggestion */ });
    }
  }

  function schedule(input, delay) {
    window.clearTimeout(timers.get(input));
    timers.set(input, window.setTimeout(function () { check(input); }, delay));
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches(SELECTOR)) schedule(event.target, 600);
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches(SELECTOR)) schedule(event.target, 0);
  });
  function checkPrefilled() {
    document.querySelectorAll(SELECTOR).forEach(function (input) {
      if (input.dataset.curationCheckOnLoad && input.value.trim()) check(input);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", checkPrefilled);
  } else {
    checkPrefilled();
  }
})();
