/* Favourites: press the hearts of the shopper's saved products (cards and pages are cached for
   everyone, so the page carries the shopper's own list in #shopper-state), send the wanted state
   with each htmx post (a replay changes nothing), and follow the server's answer. Without this
   file a heart still submits the page's favourites form. */
(function () {
  "use strict";

  var state = { favourites: [], recent: [] };
  try {
    var block = document.getElementById("shopper-state");
    if (block) state = JSON.parse(block.textContent) || state;
  } catch (error) { /* keep the empty state */ }
  var saved = {};
  (state.favourites || []).forEach(function (id) { saved[String(id)] = true; });

  function press(root) {
    (root || document).querySelectorAll("[data-favourite]").forEach(function (heart) {
      heart.setAttribute("aria-pressed", saved[heart.getAttribute("data-favourite")] ? "true" : "false");
    });
  }

  press(document);
  document.addEventListener("htmx:afterSettle", function (event) { press(event.target); });

  // Ask for the state the shopper sees the heart move to, not a toggle.
  document.addEventListener("htmx:configRequest", function (event) {
    var heart = event.detail.elt;
    if (!heart || !heart.hasAttribute || !heart.hasAttribute("data-favourite")) return;
    event.detail.parameters.save = heart.getAttribute("aria-pressed") === "true" ? "0" : "1";
  });

  var clearStatus;
  document.body.addEventListener("favourite-changed", function (event) {
    var detail = event.detail || {};
    if (detail.product != null && detail.saved != null) {
      if (detail.saved) saved[String(detail.product)] = true;
      else delete saved[String(detail.product)];
      press(document);
    }
    var status = document.getElementById("favourite-status");
    if (!status || !detail.message) return;
    status.textContent = detail.message;
    status.classList.toggle("is-error", !!detail.error);
    window.clearTimeout(clearStatus);
    clearStatus = window.setTimeout(function () { status.textContent = ""; }, 5000);
  });

  // Keep room for the recently viewed strip when there is something else to show in it.
  document.querySelectorAll("[data-recent-slot]").forEach(function (slot) {
    var current = slot.getAttribute("data-recent-slot");
    var others = (state.recent || []).filter(function (id) { return String(id) !== current; });
    if (others.length) slot.classList.add("recent-slot--reserved");
  });
})();
