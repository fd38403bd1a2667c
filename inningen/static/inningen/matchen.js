// The match form on a payment's page, made a little friendlier; the page works without it.
// While the invorderaar ticks claims it shows, as the placeholder of each empty amount, what the
// server will book there (the rest of the payment, the claim due longest first, each up to its
// open amount: inningen.betalingen.selectors.verdeling_voorstellen) and what is left over.
(function () {
  "use strict";
  var tabel = document.querySelector("table.matchen");
  var uitvoer = document.getElementById("matchen-totaal");
  if (!tabel || !uitvoer) {
    return;
  }
  var rest = parseInt(tabel.getAttribute("data-rest"), 10);

  // "1.234,5" -> 123450 cents; null when it is not an amount in Dutch notation.
  function cent(tekst) {
    var m = /^\s*(?:€\s*)?(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?\s*$/.exec(tekst || "");
    if (!m) {
      return null;
    }
    var centen = (m[2] || "0") + "0";
    return parseInt(m[1].replace(/\./g, ""), 10) * 100 + parseInt(centen.slice(0, 2), 10);
  }

  function bedrag(c) {
    var teken = c < 0 ? "-" : "";
    c = Math.abs(c);
    var euros = String(Math.floor(c / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    var centen = String(c % 100);
    return teken + euros + "," + (centen.length < 2 ? "0" : "") + centen;
  }

  function bijwerken() {
    var vast = 0;
    var leeg = [];
    var rijen = tabel.querySelectorAll("tbody tr");
    for (var i = 0; i < rijen.length; i++) {
      var kies = rijen[i].querySelector("input[type=checkbox]");
      var invoer = rijen[i].querySelector("input[type=text]");
      if (!kies || !invoer) {
        continue;
      }
      invoer.placeholder = "";
      if (!kies.checked) {
        continue;
      }
      if (invoer.value.trim() === "") {
        leeg.push(rijen[i]);
      } else if (cent(invoer.value) !== null) {
        vast += cent(invoer.value);
      }
    }
    leeg.sort(function (a, b) {
      return parseInt(a.getAttribute("data-volgorde"), 10) - parseInt(b.getAttribute("data-volgorde"), 10);
    });
    var over = rest - vast;
    for (var j = 0; j < leeg.length; j++) {
      var neem = Math.max(0, Math.min(over, parseInt(leeg[j].getAttribute("data-open"), 10)));
      over -= neem;
      leeg[j].querySelector("input[type=text]").placeholder = bedrag(neem);
    }
    uitvoer.hidden = false;
    uitvoer.textContent =
      "Toe te rekenen: € " + bedrag(rest - over) + " van € " + bedrag(rest) +
      (over < 0 ? "; dat is € " + bedrag(-over) + " te veel." : "; blijft over: € " + bedrag(over) + ".");
  }

  tabel.addEventListener("change", bijwerken);
  tabel.addEventListener("input", bijwerken);
  bijwerken();
})();
