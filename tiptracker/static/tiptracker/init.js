// Starts GOV.UK Frontend's components. A module file rather than the usual inline
// snippet, so the content security policy can forbid inline scripts.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
