// The only script: mark the current section in the navigation. Pages work without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var path = window.location.pathname;
  document.querySelectorAll("header.top nav a").forEach(function (link) {
    var href = link.getAttribute("href");
    if (path === href || path.indexOf(href + "/") === 0) {
      link.classList.add("current");
      link.setAttribute("aria-current", "page");
    }
  });
});
