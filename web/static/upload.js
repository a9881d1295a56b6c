/* Progressive enhancement of the evidence upload form (form[data-dropzone]): drop files on
   the form, and send it with a progress bar. Without this script the plain form posts. */
(function () {
  "use strict";

  function enhance(form) {
    var input = form.querySelector("input[type=file]");
    var bar = form.querySelector(".upload-progress");
    var hint = form.querySelector(".drop-hint");
    var error = form.querySelector(".upload-error");
    if (!input || !bar || typeof FormData === "undefined") return;
    form.classList.add("dropzone");
    if (hint) hint.hidden = false;

    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (event) {
        event.preventDefault();
        form.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      form.addEventListener(name, function () { form.classList.remove("over"); });
    });
    form.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
      }
    });

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

  document.querySelectorAll("form[data-dropzone]").forEach(enhance);
})();
