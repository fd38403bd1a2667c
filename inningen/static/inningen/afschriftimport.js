// Status page of a bank statement import (#16): polls the JSON status until the import is
// finished and shows progress, the summary or the error. A static file: the CSP allows no
// inline script.
(function () {
  "use strict";
  var blok = document.getElementById("import-voortgang");
  if (!blok || blok.hidden) {
    return;
  }
  var url = blok.getAttribute("data-status-url");
  var balk = document.getElementById("import-balk");
  var posten = document.getElementById("import-posten");
  var status = document.getElementById("import-status");
  var samenvatting = document.getElementById("import-samenvatting");
  var fout = document.getElementById("import-fout");
  var wachttijd = 1000;

  function toon(gegevens) {
    status.textContent = gegevens.status_tekst;
    balk.value = gegevens.procent;
    balk.textContent = gegevens.procent + "%";
    posten.textContent = gegevens.voortgang_tekst;
    if (gegevens.samenvatting) {
      samenvatting.textContent = gegevens.samenvatting;
      samenvatting.hidden = false;
    }
    if (gegevens.foutmelding) {
      fout.textContent = gegevens.foutmelding;
      fout.hidden = false;
    }
    if (gegevens.afgelopen) {
      blok.hidden = true;
    }
  }

  function vraag() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (antwoord) {
        if (!antwoord.ok) {
          throw new Error(antwoord.status);
        }
        return antwoord.json();
      })
      .then(function (gegevens) {
        toon(gegevens);
        if (!gegevens.afgelopen) {
          window.setTimeout(vraag, wachttijd);
        }
      })
      .catch(function () {
        // Network trouble or a new login needed: try again, less often.
        wachttijd = Math.min(wachttijd * 2, 30000);
        window.setTimeout(vraag, wachttijd);
      });
  }

  window.setTimeout(vraag, wachttijd);
})();
