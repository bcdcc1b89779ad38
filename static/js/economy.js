// The economy table of the case form: row totals, net effect per year and the
// net total follow what the user types. The server recomputes the same totals
// (portfolio.economy.EconomyTable) on every save; this only saves a round trip.
(function () {
  "use strict";

  // "1.250.000", "1250000", "1 250 000", "1250000 kr." → 1250000; "" → 0; nonsense → null.
  function parseAmount(text) {
    var cleaned = (text || "").trim().replace(/\s*(kr\.?|dkk)$/i, "").trim();
    if (cleaned === "") {
      return 0;
    }
    if (/^\d+$/.test(cleaned)) {
      return parseInt(cleaned, 10);
    }
    var grouped = /^\d{1,3}([. \u00a0]\d{3})+$/;
    var separators = cleaned.replace(/\d/g, "");
    if (grouped.test(cleaned) && new Set(separators).size === 1) {
      return parseInt(cleaned.replace(/\D/g, ""), 10);
    }
    return null;
  }

  function formatNumber(value) {
    var sign = value < 0 ? "-" : "";
    return sign + String(Math.abs(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function update(table) {
    var rowTotals = {};
    var columnTotals = {};
    var years = {};
    table.querySelectorAll("input[data-kind]").forEach(function (input) {
      var kind = input.dataset.kind;
      var year = input.dataset.year;
      var amount = parseAmount(input.value);
      if (amount === null) {
        amount = 0;
      }
      var signed = kind === "gain" ? -amount : amount;
      // A row is a kind, split into service and anlæg for investment and re-tendering.
      var row = input.dataset.row || kind;
      rowTotals[row] = rowTotals[row] || 0;
      columnTotals[year] = (columnTotals[year] || 0) + signed;
      if (year !== "varig") {
        years[year] = true;
        // Gains show as the savings typed; the net rows carry the sign.
        rowTotals[row] += amount;
      }
    });
    table.querySelectorAll("[data-row-total]").forEach(function (cell) {
      cell.textContent = formatNumber(rowTotals[cell.dataset.rowTotal] || 0);
    });
    var net = 0;
    table.querySelectorAll("[data-column-total]").forEach(function (cell) {
      var key = cell.dataset.columnTotal;
      var total = columnTotals[key] || 0;
      cell.textContent = formatNumber(total);
      if (years[key]) {
        net += total;
      }
    });
    var netCell = table.querySelector("[data-net-total]");
    if (netCell) {
      netCell.textContent = formatNumber(net);
    }
  }

  document.querySelectorAll("[data-economy-table]").forEach(function (table) {
    table.addEventListener("input", function () {
      update(table);
    });
  });
})();
