/* Progressive enhancement of the upload forms: the form is sent with a progress bar
   (form[data-upload]); files may be dropped on it (form[data-dropzone], the evidence form).
   A refused file brings back the page; when that page has the element the form names in
   data-problems (Chỉ tiêu's table of bad rows, #import-problems), it replaces this page's
   content, else its alert is shown under the form. Without this script the plain form
   posts and the server answers with the same page. */
(function () {
  "use strict";

  var FORMS = "form[data-upload], form[data-dropzone]";

  function droppable(form, input) {
    var hint = form.querySelector(".drop-hint");
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
  }

  /* The refused page's content in place of this one's, when it lists the problems. */
  function replaced(form, page) {
    var id = form.getAttribute("data-problems");
    var main = page.querySelector("main");
    var here = document.querySelector("main");
    if (!id || !main || !here || !page.getElementById(id)) return false;
    here.replaceWith(main);
    document.querySelectorAll(FORMS).forEach(enhance);
    var problems = document.getElementById(id);
    if (problems) problems.scrollIntoView();
    return true;
  }

  function enhance(form) {
    var input = form.querySelector("input[type=file]");
    var bar = form.querySelector(".upload-progress");
    var error = form.querySelector(".upload-error");
    if (!input || !bar || typeof FormData === "undefined") return;
    if (form.hasAttribute("data-dropzone")) droppable(form, input);

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
        if (replaced(form, page)) return;
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

  document.querySelectorAll(FORMS).forEach(enhance);
})();
