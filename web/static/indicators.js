/* Chỉ tiêu: the export and catalogue upload forms (form[data-kpi-upload]) are sent with a
   progress bar. A refused file brings back the page with its table of bad rows, which
   replaces this one's content. Without this script the plain form posts and the server
   answers with the same page. */
(function () {
  "use strict";

  function enhance(form) {
    var input = form.querySelector("input[type=file]");
    var bar = form.querySelector(".upload-progress");
    var error = form.querySelector(".upload-error");
    if (!input || !bar || typeof FormData === "undefined") return;

    form.addEventListener("submit", function (event) {
      if (!input.files || !input.files.length) return; /* the browser says what is missing */
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
      });
      xhr.addEventListener("load", function () {
        if (xhr.status >= 200 && xhr.status < 300) {
          window.location.assign(xhr.responseURL || window.location.href);
          return;
        }
        var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var main = page.querySelector("main");
        var here = document.querySelector("main");
        if (main && here && page.querySelector("#import-problems")) {
          here.replaceWith(main);
          document.querySelectorAll("form[data-kpi-upload]").forEach(enhance);
          var problems = document.getElementById("import-problems");
          if (problems) problems.scrollIntoView();
          return;
        }
        var alert = page.querySelector("[role=alert]");
        show(alert ? alert.textContent : form.getAttribute("data-failed"));
      });
      xhr.addEventListener("error", function () { show(form.getAttribute("data-failed")); });
      bar.hidden = false;
      bar.value = 0;
      if (error) error.hidden = true;
      if (button) button.disabled = true;
      xhr.send(new FormData(form));

      function show(message) {
        bar.hidden = true;
        if (button) button.disabled = false;
        if (error) {
          error.textContent = message;
          error.hidden = false;
        }
      }
    });
  }

  document.querySelectorAll("form[data-kpi-upload]").forEach(enhance);
})();
