/* The bookmarklet's window: its "close" button (no inline handlers under our CSP). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-curation-close]")) window.close();
  });
})();
