/* Culqi Checkout (v4) on the pay page: the card is typed into Culqi's own window and becomes a
   token (tkn_…); only the token is posted to the store, which then offers the card's cuotas. */
(function () {
  "use strict";
  var form = document.getElementById("culqi-card-form");
  var button = document.getElementById("pay-culqi-card");
  if (!form || !button || typeof window.Culqi === "undefined") {
    return;
  }
  var Culqi = window.Culqi;
  Culqi.publicKey = form.dataset.culqiKey;
  Culqi.settings({
    title: form.dataset.culqiTitle,
    currency: form.dataset.culqiCurrency,
    amount: parseInt(form.dataset.culqiAmount, 10),
  });
  Culqi.options({
    lang: "es",
    installments: false, // the store offers the issuer's cuotas itself, once the card is known
    paymentMethods: { tarjeta: true, yape: false, bancaMovil: false, agente: false, billetera: false, cuotealo: false },
  });
  // Culqi calls window.culqi() when the shopper finished its form (a token, or an error).
  window.culqi = function () {
    if (Culqi.token) {
      document.getElementById("culqi-card-token").value = Culqi.token.id;
      Culqi.close();
      form.submit();
    }
  };
  button.addEventListener("click", function () {
    Culqi.open();
  });
})();
