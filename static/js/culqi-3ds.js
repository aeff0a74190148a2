/* Culqi3DS (https://3ds.culqi.com), as Culqi documents it ("Culqi 3DS", "Flujo de cargos + 3DS"):
   - the cuotas page asks it for the browser's device id (Culqi3DS.generateDevice()), sent with the
     charge for Culqi's fraud check;
   - the 3-D Secure page runs the bank's verification for the card whose charge was answered with
     REVIEW (Culqi3DS.initAuthentication(token)); Culqi3DS posts its result to this window
     (parameters3DS, or error), and the page posts those five fields to the store, which charges
     the same card again with them. */
(function () {
  "use strict";
  var Culqi3DS = window.Culqi3DS;
  var device = document.getElementById("culqi-device-id");
  var form = document.getElementById("culqi-3ds-form");
  var failed = document.getElementById("culqi-3ds-error");

  function showFailure() {
    if (failed) {
      failed.hidden = false;
    }
  }

  if (typeof Culqi3DS === "undefined") {
    showFailure(); // Culqi's script did not load: the cuotas page charges without a device id
    return;
  }

  if (device) {
    Culqi3DS.publicKey = device.dataset.culqiKey;
    Promise.resolve(Culqi3DS.generateDevice())
      .then(function (deviceId) {
        device.value = deviceId || "";
      })
      .catch(function () {
        device.value = "";
      });
  }

  if (!form) {
    return;
  }
  var fields = ["eci", "cavv", "xid", "protocolVersion", "directoryServerTransactionId"];
  var start = document.getElementById("culqi-3ds-start");
  Culqi3DS.publicKey = form.dataset.culqiKey;
  Culqi3DS.options = { showModal: true, showLoading: true, showIcon: true };

  window.addEventListener("message", function (event) {
    if (event.origin !== window.location.origin) {
      return; // Culqi3DS answers from this page's own origin; anything else is not its answer
    }
    var data = event.data || {};
    if (data.parameters3DS) {
      fields.forEach(function (name) {
        var value = data.parameters3DS[name];
        form.elements[name].value = value === undefined || value === null ? "" : String(value);
      });
      Culqi3DS.reset();
      form.submit();
    } else if (data.error) {
      Culqi3DS.reset();
      showFailure();
      if (start) {
        start.disabled = false;
      }
    }
  });

  function authenticate() {
    if (failed) {
      failed.hidden = true;
    }
    if (start) {
      start.disabled = true;
    }
    Culqi3DS.settings = {
      charge: {
        totalAmount: parseInt(form.dataset.culqiAmount, 10),
        returnUrl: form.dataset.returnUrl,
        currency: form.dataset.culqiCurrency,
      },
      card: { email: form.dataset.culqiEmail },
    };
    Culqi3DS.initAuthentication(form.dataset.culqiToken);
  }

  if (start) {
    start.addEventListener("click", authenticate);
  }
  authenticate();
})();
