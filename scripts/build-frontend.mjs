// Builds the site's CSS from GOV.UK Frontend's Sass and copies its JavaScript module.
// The output is a build artefact (git-ignored), rebuilt by `make`.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";

const out = "tiptracker/static/govuk";
mkdirSync(`${out}/images`, { recursive: true });
execFileSync(
  "node_modules/.bin/sass",
  ["--pkg-importer=node", "--style=compressed", "--no-source-map", "--quiet-deps", "frontend/app.scss", `${out}/app.min.css`],
  { stdio: "inherit" },
);
copyFileSync("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", `${out}/govuk-frontend.min.js`);
// A neutral stand-in for the crest the stylesheet refers to: never the GOV.UK crest itself.
writeFileSync(`${out}/images/govuk-crest.svg`, '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n');
console.log(`built ${out}/app.min.css`);
