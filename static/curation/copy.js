/*
 * Copy buttons of the WeChat page. data-copy="rich" puts the element's HTML
 * on the clipboard as text/html (plus its plain text), so pasting into the
 * WeChat editor keeps the inline styles; data-copy="text" copies a
 * textarea's value (the house Markdown). Browsers without the async
 * clipboard API get the older select-and-execCommand path.
 */
(function () {
  "use strict";

  // The page's words (static/curation/texts.js, loaded first).
  var t = window.digestCurationText;

  function status(message) {
    var element = document.getElementById("copy-status");
    if (element) element.textContent = message;
  }

  function selectAndCopy(element) {
    var selection = window.getSelection();
    selection.removeAllRanges();
    if (element.select) {
      element.select();
    } else {
      var range = document.createRange();
      range.selectNodeContents(element);
      selection.addRange(range);
    }
    var copied = document.execCommand("copy");
    selection.removeAllRanges();
    if (!copied) throw new Error("execCommand copy refused");
  }

  function copyRich(element) {
    if (navigator.clipboard && navigator.clipboard.write && window.ClipboardItem) {
      var item = new ClipboardItem({
        "text/html": new Blob([element.innerHTML], { type: "text/html" }),
        "text/plain": new Blob([element.innerText], { type: "text/plain" }),
      });
      return navigator.clipboard.write([item]).catch(function () { selectAndCopy(element); });
    }
    return Promise.resolve().then(function () { selectAndCopy(element); });
  }

  function copyText(element) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(element.value).catch(function () { selectAndCopy(element); });
    }
    return Promise.resolve().then(function () { selectAndCopy(element); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.dataset.copySource);
    if (!source) return;
    var copying = button.dataset.copy === "rich" ? copyRich(source) : copyText(source);
    copying.then(
      function () { status(button.dataset.copy === "rich" ? t("copiedRich", "已复制公众号版本，可以粘贴了。") : t("copiedMarkdown", "已复制 Markdown。")); },
      function () { status(t("copyFailed", "复制失败：请手动选中内容复制。")); }
    );
  });
})();
