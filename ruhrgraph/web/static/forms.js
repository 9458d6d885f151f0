// A canned query's form shows what its table was computed for. Coming back (Back, Forward,
// the back/forward cache) a browser may show the values last typed instead: put back the
// values the server wrote into the page (the ones of its URL). The form also says
// autocomplete="off", which keeps browsers without script from restoring typed values.
"use strict";
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form.params").forEach(function (form) { form.reset(); });
});
