/*
 * The curation scripts' words, in the page's language: the JSON that the
 * curation_texts tag writes as <script id="curation-text"> (curation/texts.py).
 * Read when first asked, not when loaded: the admin loads scripts in <head>,
 * before the body holding the words. Without them a script keeps its Chinese.
 */
window.digestCurationText = (function () {
  "use strict";
  var words = null;
  return function (key, fallback) {
    if (words === null) {
      var node = document.getElementById("curation-text");
      if (!node) return fallback;
      try { words = JSON.parse(node.textContent); } catch (error) { words = {}; }
    }
    return words[key] || fallback;
  };
})();
