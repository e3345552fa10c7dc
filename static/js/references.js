// The request form's references: open the group of the objective just chosen.
// Without this script the server already opens the chosen objective's group.
(function () {
  "use strict";
  var box = document.getElementById("past-references");
  if (!box) return;
  var select = document.getElementById(box.getAttribute("data-objective-field"));
  if (!select) return;
  select.addEventListener("change", function () {
    var groups = box.querySelectorAll("details[data-objective]");
    var first = null;
    groups.forEach(function (group) {
      var match = group.getAttribute("data-objective") === select.value;
      group.open = match;
      if (match) first = group;
    });
    // The chosen objective's references come first, as the page does on load.
    if (first && first !== box.querySelector("details[data-objective]")) {
      box.insertBefore(first, box.querySelector("details[data-objective]"));
    }
  });
})();
