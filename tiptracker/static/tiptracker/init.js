// Starts GOV.UK Frontend's components. A module file rather than the usual inline
// snippet, so the content security policy can forbid inline scripts.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A table that stacks into labelled rows on a phone (.tip-table--stack, frontend/app.scss)
// says it is a table in so many words: Safari stops reading rows and cells as a table's
// once they are display: block. Without this script the table still reads, as it did.
for (const table of document.querySelectorAll("table.tip-table--stack")) {
  table.setAttribute("role", "table");
  for (const group of table.querySelectorAll("thead, tbody, tfoot")) {
    group.setAttribute("role", "rowgroup");
  }
  for (const row of table.querySelectorAll("tr")) row.setAttribute("role", "row");
  for (const cell of table.querySelectorAll("td")) cell.setAttribute("role", "cell");
  for (const header of table.querySelectorAll("th")) {
    header.setAttribute("role", header.scope === "row" ? "rowheader" : "columnheader");
  }
}
