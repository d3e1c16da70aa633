// Parses PowerShell with tree-sitter's PowerShell grammar (the npm
// packages "web-tree-sitter" and "tree-sitter-powershell", both run as
// WebAssembly: nothing is built or downloaded) and reports what does not
// parse: an unclosed brace, quote or here-string, a stray token. It is a
// syntax check only, not PSScriptAnalyzer.
//   lint-powershell.cjs NODE_MODULES_DIR [--steps STEPS.json] [FILE.ps1|.psm1...]
// STEPS.json: the workflows' PowerShell steps as scripts/lint-workflow-shell.py
// writes them; their problems are reported at the workflow's own lines.
// Prints FILE:LINE:COLUMN: MESSAGE for each problem; exits 1 if there was
// any, 2 if the parser could not be loaded or a file read.
// Known gap of the grammar: a list of bare words as a command's argument
// (Format-List Name, State) does not parse; quote them ('Name', 'State').
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const args = process.argv.slice(2);
const moduleDir = args.shift();
let stepsFile = null;
if (args[0] === "--steps") {
  args.shift();
  stepsFile = args.shift();
}
if (!moduleDir || (!stepsFile && args.length === 0)) {
  console.error("usage: lint-powershell.cjs NODE_MODULES_DIR [--steps STEPS.json] [FILE...]");
  process.exit(2);
}

// The nodes that make a parse fail: ERROR and MISSING, outermost first.
function problems(node, out) {
  if (node.isError || node.isMissing) {
    out.push(node);
  } else if (node.hasError) {
    for (const child of node.children) problems(child, out);
  }
  return out;
}

async function main() {
  const { Parser, Language } = require(require.resolve("web-tree-sitter", { paths: [moduleDir] }));
  await Parser.init();
  const grammar = path.join(moduleDir, "tree-sitter-powershell", "tree-sitter-powershell.wasm");
  const parser = new Parser();
  parser.setLanguage(await Language.load(grammar));

  const scripts = args.map((file) => ({ file, line: 1, indent: 0, step: null, text: fs.readFileSync(file, "utf8") }));
  if (stepsFile) scripts.push(...JSON.parse(fs.readFileSync(stepsFile, "utf8")));

  let count = 0;
  for (const s of scripts) {
    for (const n of problems(parser.parse(s.text).rootNode, [])) {
      const where = `${s.file}:${s.line + n.startPosition.row}:${s.indent + n.startPosition.column + 1}`;
      const what = n.isMissing ? `missing '${n.type}'` : `does not parse: ${JSON.stringify(n.text.split("\n")[0].slice(0, 60))}`;
      console.log(`${where}: ${what}${s.step ? ` (step "${s.step}")` : ""}`);
      count++;
    }
  }
  if (count > 0) console.log(`PowerShell: ${count} problem(s)`);
  return count > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`the PowerShell parser could not run: ${err.message}`);
    process.exit(2);
  },
);
