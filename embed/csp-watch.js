// Loaded first (a classic <script src>, before anything else) by every example page in embed/:
// collects the page's Content-Security-Policy violations into `window.hocCspViolations`, so a
// test (or a portal team trying the examples with their own policy) can see that the console
// needs no inline script, inline style or eval. A violation is also shown on the page's console
// by the browser itself; this list makes it countable.
(function () {
  "use strict";
  var seen = (window.hocCspViolations = window.hocCspViolations || []);
  document.addEventListener(
    "securitypolicyviolation",
    function (e) {
      seen.push({
        directive: e.effectiveDirective || e.violatedDirective,
        blocked: e.blockedURI,
        source: e.sourceFile,
        line: e.lineNumber,
        sample: e.sample,
      });
    },
    true,
  );
})();
