// Names to mention: typing "@" and a few letters in a textarea that has
// data-mentions-url (the post's "Body", "Your reply") lists matching people (the list is
// named by the textarea's data-mentions-label);
// arrows move, Enter or Tab (or a click) puts "@Full Name " in the text, Escape closes.
// Without this script, typing "@" and the whole name mentions the person just the same.
(function () {
  "use strict";
  var MAX_QUERY = 60;
  var counter = 0;

  function queryBefore(textarea) {
    // The word(s) after the last "@" that starts a word, up to the caret, on one line.
    var upto = textarea.value.slice(0, textarea.selectionStart);
    var at = upto.lastIndexOf("@");
    if (at < 0 || (at > 0 && /[\w@]/.test(upto.charAt(at - 1)))) return null;
    var query = upto.slice(at + 1);
    if (!query || query.length > MAX_QUERY || /[\n@]/.test(query) || /^\s/.test(query)) return null;
    return { start: at, query: query };
  }

  function attach(textarea) {
    var url = textarea.getAttribute("data-mentions-url");
    var id = "mentions-" + (++counter);
    var list = document.createElement("ul");
    list.id = id;
    list.className = "list-group position-absolute shadow-sm";
    list.setAttribute("role", "listbox");
    // Its own name (data-mentions-label, e.g. "People to mention"), never the field's:
    // the field's label must keep naming the field alone.
    list.setAttribute("aria-label", textarea.getAttribute("data-mentions-label") || "@");
    list.style.zIndex = "1050";
    list.hidden = true;
    var holder = document.createElement("div");
    holder.className = "position-relative";
    holder.appendChild(list);
    textarea.parentNode.insertBefore(holder, textarea.nextSibling);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", id);

    var people = [];
    var active = -1;
    var found = null;
    var timer = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      list.textContent = "";
      people = [];
      active = -1;
      textarea.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (item, i) {
        item.classList.toggle("active", i === index);
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) textarea.setAttribute("aria-activedescendant", id + "-" + index);
    }

    function choose(index) {
      if (!found || index < 0 || index >= people.length) return;
      var name = people[index].name;
      var before = textarea.value.slice(0, found.start);
      var after = textarea.value.slice(textarea.selectionStart);
      textarea.value = before + "@" + name + " " + after;
      var caret = before.length + name.length + 2;
      textarea.setSelectionRange(caret, caret);
      close();
      textarea.focus();
    }

    function show(found_people) {
      list.textContent = "";
      people = found_people;
      if (!people.length) {
        close();
        return;
      }
      people.forEach(function (person, i) {
        var item = document.createElement("li");
        item.id = id + "-" + i;
        item.className = "list-group-item list-group-item-action";
        item.setAttribute("role", "option");
        item.textContent = person.name;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the textarea
          choose(i);
        });
        list.appendChild(item);
      });
      list.hidden = false;
      highlight(0);
    }

    function ask() {
      found = queryBefore(textarea);
      if (!found) {
        close();
        return;
      }
      var mine = ++asked;
      fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(found.query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : [];
        })
        .then(function (answer) {
          if (mine === asked) show(Array.isArray(answer) ? answer : []);
        })
        .catch(close);
    }

    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
    textarea.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + people.length) % people.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    textarea.addEventListener("blur", close);
  }

  document.querySelectorAll("textarea[data-mentions-url]").forEach(attach);
})();
