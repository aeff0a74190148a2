/* Kallpa: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // A first visit may get the page every first visitor gets (a CDN may keep it): it carries no
  // CSRF token. Fetch one (it also sets the cookie) and put it in the page's forms and htmx's
  // headers; a form or htmx request sent before it arrives waits for it.
  var tokenRequest = null;
  function pageToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (error) { return ""; }
  }
  function fetchToken() {
    if (!tokenRequest) {
      tokenRequest = fetch("/csrf/", { credentials: "same-origin", cache: "no-store" })
        .then(function (answer) { return answer.json(); })
        .then(function (data) {
          document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": data.token }));
          document.querySelectorAll('input[name="csrfmiddlewaretoken"]').forEach(function (input) {
            input.value = data.token;
          });
        })
        .catch(function () { tokenRequest = null; });  // offline: asked again by the next form
    }
    return tokenRequest;
  }
  // A browser without a session gets one from the first answer that writes to it (the "recently
  // viewed" strip a product page posts as it loads, the cart, a heart). Two such posts on their way at
  // once would each start a session, and the browser keeps the cookie of the answer that comes last:
  // a cart filled meanwhile would be lost. On a page served to a browser without one (#shopper-state),
  // htmx's posts therefore go one after another.
  var sessionless = false;
  try { sessionless = JSON.parse(document.getElementById("shopper-state").textContent).session === false; }
  catch (error) { /* no state block: nothing to wait for */ }
  var lastPost = Promise.resolve();
  function afterThePreviousPost(elt) {
    var previous = lastPost, answered;
    lastPost = new Promise(function (resolve) { answered = resolve; });
    elt.addEventListener("htmx:afterRequest", function () { answered(); }, { once: true });  // errors too
    setTimeout(answered, 10000);  // a post htmx never sends holds the next ones this long at most
    return previous;
  }
  document.addEventListener("htmx:confirm", function (event) {
    var waits = [];
    if (!pageToken()) waits.push(fetchToken());
    if (sessionless && event.detail.verb === "post") waits.push(afterThePreviousPost(event.detail.elt));
    if (!waits.length) return;
    event.preventDefault();
    Promise.all(waits).then(function () { event.detail.issueRequest(); });
  });
  if (!pageToken()) {
    fetchToken();
    document.addEventListener("submit", function (event) {
      var form = event.target;
      var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
      if (!input || input.value || event.defaultPrevented) return;
      // A form htmx sends waits in htmx:confirm above.
      if (form.matches("[hx-post], [hx-get], [data-hx-post], [data-hx-get], #cart-body [data-cart-send]") || form.closest('[hx-boost="true"]')) return;
      event.preventDefault();
      var submitter = event.submitter;
      fetchToken().then(function () { form.requestSubmit(submitter && submitter.form === form ? submitter : undefined); });
    }, true);
  }

  // <select data-autosubmit>: submit its form on change (no inline handler: CSP).
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-autosubmit]");
    if (field && field.form) field.form.requestSubmit();
  });

  // Dismiss a flash message.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-dismiss]");
    if (!button) return;
    var target = button.closest(button.getAttribute("data-dismiss") || ".alert");
    if (target) target.remove();
  });

  // Close open <details class="menu"> dropdowns on an outside click or Escape.
  function closeMenus(except) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }

  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest("details.menu"));
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("details.menu[open]");
    if (!open) return;
    open.removeAttribute("open");
    var summary = open.querySelector("summary");
    if (summary) summary.focus();
  });

  // --- Catalog --------------------------------------------------------------

  var narrow = window.matchMedia("(max-width: 899px)");

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  // Countdowns: <… data-countdown="ISO date">, server-rendered as a date; here a ticking counter.
  function tickCountdowns() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var target = Date.parse(el.getAttribute("data-countdown"));
      if (isNaN(target)) return;
      var left = Math.max(0, Math.floor((target - Date.now()) / 1000));
      var live = el.querySelector(".countdown-live");
      var fallback = el.querySelector(".countdown-fallback");
      if (left === 0) {
        if (el.hasAttribute("data-countdown-running") && el.hasAttribute("data-countdown-reload")) {
          el.removeAttribute("data-countdown");
          window.setTimeout(function () { window.location.reload(); }, 1500);
        }
        if (live) live.hidden = true;
        if (fallback) {
          fallback.hidden = false;
          fallback.textContent = el.getAttribute("data-countdown-done") || "";
        }
        el.removeAttribute("data-countdown");
        return;
      }
      var days = Math.floor(left / 86400);
      // A week or more away: the date reads better than a ticking counter (except the big one).
      if (days >= 7 && !el.querySelector("[data-unit]")) return;
      el.setAttribute("data-countdown-running", "");
      var hours = Math.floor((left % 86400) / 3600);
      var minutes = Math.floor((left % 3600) / 60);
      var seconds = left % 60;
      var units = { days: String(days), hours: pad(hours), minutes: pad(minutes), seconds: pad(seconds) };
      el.querySelectorAll("[data-unit]").forEach(function (unit) {
        unit.textContent = units[unit.getAttribute("data-unit")];
      });
      var value = el.querySelector(".countdown-value");
      if (value) value.textContent = (days ? days + "d " : "") + pad(hours) + ":" + pad(minutes) + ":" + pad(seconds);
      if (live) live.hidden = false;
      if (fallback) fallback.hidden = true;
    });
  }
  tickCountdowns();
  window.setInterval(tickCountdowns, 1000);

  // Product gallery: a thumbnail shows its photo in the main image (without JS it opens the photo).
  document.addEventListener("click", function (event) {
    var thumb = event.target.closest("[data-gallery-thumb]");
    if (!thumb || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var gallery = thumb.closest(".gallery");
    var main = gallery && gallery.querySelector("[data-gallery-main]");
    if (!main) return;
    event.preventDefault();
    // The thumbnail's renditions are the photo's: the main image keeps its own sizes.
    var renditions = thumb.querySelector("img[srcset]");
    if (renditions) main.setAttribute("srcset", renditions.getAttribute("srcset"));
    else main.removeAttribute("srcset");
    main.src = thumb.getAttribute("href");
    main.alt = thumb.getAttribute("data-alt") || "";
    var link = gallery.querySelector("[data-gallery-main-link]");
    if (link) link.href = thumb.getAttribute("href");
    gallery.querySelectorAll("[data-gallery-thumb]").forEach(function (other) {
      other.classList.toggle("is-active", other === thumb);
      if (other === thumb) other.setAttribute("aria-current", "true");
      else other.removeAttribute("aria-current");
    });
  });

  // The cart's forms (#cart-body: a quantity changed, a line removed, a coupon) are sent by one element
  // their answers never replace (#cart-watch, cart.html), one after another in the order they were made
  // (hx-sync "queue all"), each with its form's fields as they were then. Each form posting itself lost
  // changes: htmx held a form's second post while its first was on its way and dropped it once that
  // answer replaced the form, and a change made as an answer came in reached a form htmx had not
  // readied yet. Without JavaScript the forms post and the cart page comes back.
  function sendCartForm(form) {
    var watch = document.getElementById("cart-watch");
    if (!watch || !window.htmx) return false;
    window.htmx.trigger(watch, "cart-send", { action: form.getAttribute("action"), fields: new FormData(form) });
    return true;
  }
  document.addEventListener("change", function (event) {
    var input = event.target.closest && event.target.closest("#cart-body form[data-cart-send] .qty-input");
    if (input) sendCartForm(input.form);
  });
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("#cart-body form[data-cart-send]");
    if (form && !event.defaultPrevented && sendCartForm(form)) event.preventDefault();
  });
  document.addEventListener("htmx:configRequest", function (event) {
    var sent = event.detail.elt.id === "cart-watch" && event.detail.triggeringEvent && event.detail.triggeringEvent.detail;
    if (!sent || !sent.fields) return;
    event.detail.path = sent.action;
    sent.fields.forEach(function (value, name) { event.detail.parameters[name] = value; });
  });

  // Quantity steppers: the − and + buttons only exist with JS.
  function initQuantity(root) {
    root.querySelectorAll("[data-qty-step]").forEach(function (button) { button.hidden = false; });
  }
  function step(button) {
    var input = button.parentElement.querySelector("input");
    var min = parseInt(input.min, 10) || 1;
    var max = parseInt(input.max, 10) || 99;
    var value = (parseInt(input.value, 10) || min) + parseInt(button.getAttribute("data-qty-step"), 10);
    var next = Math.min(max, Math.max(min, value));
    if (String(next) !== input.value) {
      input.value = next;
      input.dispatchEvent(new Event("change", { bubbles: true }));  // the cart saves on change
    }
  }
  var steppedOnRelease = null;  // a browser that does click after all then counts once
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-qty-step]");
    if (button && button !== steppedOnRelease) step(button);
  });
  // A tap pressed on a stepper that the cart's answer replaces before the release gets no click (the
  // browser clicks only what holds both the press and the release): the release on the same stepper of
  // the same line takes its place. Only then: when the pressed one is still there, its click follows.
  var pressedStep = null;
  function stepPlace(button) {
    var line = button.closest("form") && button.closest("form").querySelector("input[name=line]");
    return button.getAttribute("data-qty-step") + "|" + (line ? line.value : "");
  }
  document.addEventListener("pointerdown", function (event) {
    var button = event.target.closest && event.target.closest("[data-qty-step]");
    pressedStep = button && event.isPrimary ? { button: button, place: stepPlace(button) } : null;
  });
  document.addEventListener("pointerup", function (event) {
    var pressed = pressedStep;
    pressedStep = null;
    if (!pressed || pressed.button.isConnected) return;
    var button = event.target.closest && event.target.closest("[data-qty-step]");
    if (!button || stepPlace(button) !== pressed.place) return;
    step(button);
    steppedOnRelease = button;
    setTimeout(function () { steppedOnRelease = null; }, 0);
  });

  // Listing filters: a <details> that is always open on desktop and a drawer on phones,
  // which keeps its state while htmx swaps the results. It arrives closed, and on desktop its
  // content shows anyway (store.css, ::details-content), so opening it here moves nothing.
  var filtersOpen = false;
  function syncFilters() {
    document.querySelectorAll("details[data-filters]").forEach(function (details) {
      details.open = narrow.matches ? filtersOpen : true;
    });
  }
  document.addEventListener("toggle", function (event) {
    if (event.target.matches && event.target.matches("details[data-filters]") && narrow.matches) {
      filtersOpen = event.target.open;
    }
  }, true);
  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-filters-close]");
    if (!close) return;
    var details = close.closest("details");
    if (details) details.open = false;
    filtersOpen = false;
  });
  if (narrow.addEventListener) narrow.addEventListener("change", syncFilters);

  // Search suggestions (htmx fills #search-suggestions): arrows move through them, Escape
  // or a click elsewhere closes them.
  function closeSuggestions() {
    var box = document.getElementById("search-suggestions");
    if (box && box.firstChild) box.innerHTML = "";
  }
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".search")) closeSuggestions();
  });
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("search-suggestions");
    if (!box || !event.target.closest || !event.target.closest(".search")) return;
    var links = Array.prototype.slice.call(box.querySelectorAll("a"));
    var input = document.getElementById("site-search");
    if (event.key === "Escape" && links.length) {
      closeSuggestions();
      input.focus();
      return;
    }
    if (!links.length || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) return;
    event.preventDefault();
    var index = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown") index = index < links.length - 1 ? index + 1 : 0;
    else index = index <= 0 ? -1 : index - 1;
    if (index === -1) input.focus();
    else links[index].focus();
  });

  // Home carousel: CSS scroll-snap works alone; this adds arrows, live dots and autoplay.
  function initCarousel(root) {
    var track = root.querySelector("[data-carousel-track]");
    if (!track || root.hasAttribute("data-carousel-ready")) return;
    root.setAttribute("data-carousel-ready", "");
    var slides = track.children;
    var dots = root.querySelectorAll("[data-carousel-dot]");
    var paused = false;
    var reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

    function current() {
      return Math.round(track.scrollLeft / Math.max(1, track.clientWidth));
    }
    function go(index) {
      var count = slides.length;
      index = (index + count) % count;
      track.scrollTo({ left: slides[index].offsetLeft, behavior: reduced ? "auto" : "smooth" });
    }
    function markDot() {
      var index = current();
      dots.forEach(function (dot, i) {
        if (i === index) dot.setAttribute("aria-current", "true");
        else dot.removeAttribute("aria-current");
      });
    }
    root.querySelectorAll("[data-carousel-prev], [data-carousel-next]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        go(current() + (button.hasAttribute("data-carousel-next") ? 1 : -1));
      });
    });
    dots.forEach(function (dot, i) {
      dot.addEventListener("click", function (event) {
        event.preventDefault();
        go(i);
      });
    });
    var pending = null;
    track.addEventListener("scroll", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(markDot, 80);
    }, { passive: true });
    ["mouseenter", "focusin", "touchstart"].forEach(function (name) {
      root.addEventListener(name, function () { paused = true; }, { passive: true });
    });
    ["mouseleave", "focusout"].forEach(function (name) {
      root.addEventListener(name, function () { paused = false; });
    });
    if (!reduced && slides.length > 1) {
      window.setInterval(function () {
        if (!paused && !document.hidden) go(current() + 1);
      }, 6000);
    }
  }

  // Checkout: the billing address shows only when it differs from the delivery one, the
  // receipt's fields for the receipt chosen. Without JavaScript they all stay visible. (The
  // new delivery address follows the address book's choice by CSS alone: .checkout-address.)
  function initCheckout(root) {
    root.querySelectorAll("[data-billing-toggle]").forEach(function (box) {
      var panel = document.querySelector("[data-billing]");
      if (!panel) return;
      function sync() { panel.hidden = box.checked; }
      box.addEventListener("change", sync);
      sync();
    });
    // The receipt's number shows for a boleta with DNI or a factura, the company name
    // (razón social) for a factura only: <… data-receipt-kinds="dni ruc">.
    root.querySelectorAll("[data-receipt]").forEach(function (box) {
      var kind = box.querySelector("select[name=document_type]");
      var panels = box.querySelectorAll("[data-receipt-kinds]");
      if (!kind || !panels.length) return;
      function sync() {
        panels.forEach(function (panel) {
          panel.hidden = panel.getAttribute("data-receipt-kinds").split(" ").indexOf(kind.value) === -1;
        });
      }
      kind.addEventListener("change", sync);
      sync();
    });
    root.querySelectorAll("[data-place-order]").forEach(function (form) {
      // One click, one order: the one-time key makes a second submit harmless anyway.
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        if (button) window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  }

  function initCatalog(root) {
    root.querySelectorAll("[data-carousel]").forEach(initCarousel);
    initQuantity(root);
    syncFilters();
    tickCountdowns();
  }
  initCatalog(document);
  initCheckout(document);
  document.addEventListener("htmx:load", function (event) {
    initCatalog(event.target);
  });
})();
