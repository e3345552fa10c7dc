// A post's read mark: once the page is shown, post the "Mark as read" form in the
// background and take its button away. Without this script the button does the same.
(function () {
  "use strict";
  var form = document.getElementById("read-mark");
  if (!form || !window.fetch || !window.FormData) return;
  fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    credentials: "same-origin",
    headers: { "X-Requested-With": "fetch" },
  })
    .then(function (response) {
      if (response.ok) form.remove();
    })
    .catch(function () {});
})();
