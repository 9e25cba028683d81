#!/usr/bin/env node
// `pnpm docs:modules`: rewrites the generated parts of the READMEs from the code, so docs cannot drift.
// `--check` (in `pnpm lint`) changes nothing and fails, naming the README and block, when a README differs.
//
// A generated block sits between two markers:
//   <!-- BEGIN GENERATED inputs SpacyFunctionProps (pnpm docs:modules) -->   props table of an interface
//   <!-- BEGIN GENERATED outputs SpacyFunction (pnpm docs:modules) -->       public readonly attributes of a class
//   <!-- BEGIN GENERATED file examples/src/full-stack.ts (pnpm docs:modules) --> a file, verbatim, as a code block
//   <!-- END GENERATED -->
// Inputs come from each property's TSDoc: the text is the description, `@default` the default (a property
// without `?` is "required"). A property whose type is another `…Props` interface of the package gets a row
// per nested property (`api.auth`); an interface that extends another of the package lists the inherited
// properties first.
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");

const root = path.resolve(__dirname, "..");
const READMES = [
  "README.md",
  "modules/network/README.md",
  "modules/model-store/README.md",
  "modules/model-sync/README.md",
  "modules/spacy-function/README.md",
  "modules/ner-batch-job/README.md",
  "packages/shared/README.md",
];
const BLOCK =
  /(<!-- BEGIN GENERATED (inputs|outputs|file) (\S+) \(pnpm docs:modules\) -->\n)([\s\S]*?)(<!-- END GENERATED -->)/g;
// A literal, or an enum member (`ApiAuthMode.IAM`): shown as code.
const LITERAL = /^(".*"|'.*'|-?\d[\d_]*(\.\d+)?|true|false|\{\}|\[\]|null|[A-Z]\w*\.[A-Z][A-Z0-9_]*)$/;

/** Every interface and class declared in a package's src/, by name. */
function declarations(pkgDir) {
  const found = new Map();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) {
        const source = ts.createSourceFile(full, fs.readFileSync(full, "utf8"), ts.ScriptTarget.ES2022, true);
        for (const node of source.statements) {
          if ((ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) && node.name) {
            found.set(node.name.text, { node, source });
          }
        }
      }
    }
  };
  walk(path.join(pkgDir, "src"));
  return found;
}

/** TSDoc of a member: its text (one line, no trailing period) and its @default. */
function doc(member) {
  const jsDoc = ts.getJSDocCommentsAndTags(member).find(ts.isJSDoc);
  if (!jsDoc) return undefined;
  const text = (c) => (typeof c === "string" ? c : (c ?? []).map((p) => p.text).join(""));
  const description = text(jsDoc.comment).replace(/\s+/g, " ").trim().replace(/\.$/, "");
  const tag = (jsDoc.tags ?? []).find((t) => t.tagName.text === "default");
  return { description, default: tag ? text(tag.comment).replace(/\s+/g, " ").trim() : undefined };
}

const cell = (s) => s.replace(/\|/g, "\\|");
const code = (s) => `\`${cell(s)}\``;
const typeText = (member, source) => member.type.getText(source).replace(/\s+/g, " ");

function inputRows(decl, decls, prefix = "") {
  const rows = [];
  for (const clause of decl.node.heritageClauses ?? []) {
    for (const base of clause.types) {
      const inherited = decls.get(base.expression.getText(decl.source));
      if (inherited && ts.isInterfaceDeclaration(inherited.node)) rows.push(...inputRows(inherited, decls, prefix));
    }
  }
  for (const member of decl.node.members) {
    if (!ts.isPropertySignature(member) || !member.type) continue;
    const name = `${prefix}${member.name.getText(decl.source)}`;
    const type = typeText(member, decl.source);
    const nested = decls.get(type);
    if (!prefix && /Props$/.test(type) && nested && ts.isInterfaceDeclaration(nested.node)) {
      rows.push(...inputRows(nested, decls, `${name}.`));
      continue;
    }
    const d = doc(member);
    if (!d) throw new Error(`${name} (${decl.node.name.text}) has no TSDoc: every input needs a one-line doc`);
    const optional = Boolean(member.questionToken);
    if (optional && d.default === undefined) {
      throw new Error(`${name} (${decl.node.name.text}) is optional but its TSDoc has no @default`);
    }
    const def = !optional ? "required" : LITERAL.test(d.default) ? code(d.default) : cell(d.default);
    rows.push(`| \`${name}\` | ${cell(d.description)} | ${code(type)} | ${def} |`);
  }
  return rows;
}

function outputRows(decl) {
  const rows = [];
  for (const member of decl.node.members) {
    // Read-only attributes: readonly properties and getters without a setter.
    const getter = ts.isGetAccessorDeclaration(member);
    if (!ts.isPropertyDeclaration(member) && !getter) continue;
    const mods = ts.getCombinedModifierFlags(member);
    if (mods & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected | ts.ModifierFlags.Static)) continue;
    if ((!getter && !(mods & ts.ModifierFlags.Readonly)) || ts.isPrivateIdentifier(member.name)) continue;
    const d = doc(member);
    if (!d) throw new Error(`${decl.node.name.text}.${member.name.getText(decl.source)} has no TSDoc`);
    rows.push(`| \`${member.name.getText(decl.source)}\` | ${cell(d.description)} |`);
  }
  return ["| Name | Description |", "|---|---|", ...rows];
}

function render(readme, kind, target) {
  if (kind === "file") {
    const lang = path.extname(target).slice(1);
    return ["```" + lang, fs.readFileSync(path.join(root, target), "utf8").trimEnd(), "```"].join("\n") + "\n";
  }
  const decls = declarations(path.dirname(path.join(root, readme)));
  const decl = decls.get(target);
  if (!decl) throw new Error(`${readme}: no interface or class ${target} in its package's src/`);
  const rows =
    kind === "inputs"
      ? ["| Name | Description | Type | Default |", "|---|---|---|---|", ...inputRows(decl, decls)]
      : outputRows(decl);
  return rows.join("\n") + "\n";
}

const check = process.argv.includes("--check");
const stale = [];
for (const readme of READMES) {
  const file = path.join(root, readme);
  const before = fs.readFileSync(file, "utf8");
  const after = before.replace(BLOCK, (_all, begin, kind, target, body, end) => {
    const fresh = render(readme, kind, target);
    if (fresh !== body) stale.push(`${readme}: ${kind} ${target}`);
    return `${begin}${fresh}${end}`;
  });
  if (!check && after !== before) fs.writeFileSync(file, after);
}
if (check && stale.length > 0) {
  console.error(
    `docs differ from the code in:\n  - ${stale.join("\n  - ")}\nrun \`pnpm docs:modules\` and commit the READMEs`,
  );
  process.exit(1);
}
console.log(
  check ? "docs: every generated README block matches the code" : `docs: ${stale.length} README block(s) rewritten`,
);
