// The report arrived: the draft kept by report_new.js is no longer needed.
(function () {
  "use strict";
  try { window.localStorage.removeItem("beefeed-report-draft"); } catch (e) { /* no storage: nothing kept */ }
})();
