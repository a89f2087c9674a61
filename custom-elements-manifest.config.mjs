// `npm run analyze`: the custom elements manifest of <aq-signin>. The analyzer's Lit support reads
// the fields and their JSDoc; the attributes it cannot see, because the element derives each one
// from its property's name (`static properties = attributes([...CONFIG_PROPS, 'endSession', …],
// { endSession: { type: Boolean }, … })` in src/element/aq-signin.ts, which saves first-paint
// bytes; CONFIG_PROPS is OPTIONS of src/core/options.ts). This plugin reads those names and writes
// what the analyzer would have: the attribute table, in the order the class declares the fields,
// and `attribute`/`reflects` on fields.
import { readFileSync } from 'node:fs';

export default {
  globs: ['src/element/aq-signin.ts'],
  outdir: '.',
  litelement: true,
  plugins: [derivedAttributes()],
};

const kebab = (name) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The string literals of an array literal, with `[...as const satisfies …]` unwrapped. */
function strings(ts, node) {
  while (ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) node = node.expression;
  if (!ts.isArrayLiteralExpression(node)) throw new Error(`analyze: expected an array literal, found ${node.getText()}`);
  return node.elements.flatMap((e) => {
    if (ts.isStringLiteral(e)) return [e.text];
    if (ts.isSpreadElement(e) && e.expression.getText() === 'CONFIG_PROPS') return optionNames(ts);
    throw new Error(`analyze: attributes() names ${e.getText()}, which this plugin cannot read`);
  });
}

/** OPTIONS of src/core/options.ts: the element's configuration properties. */
function optionNames(ts) {
  const file = 'src/core/options.ts';
  const source = ts.createSourceFile(file, readFileSync(new URL(file, import.meta.url), 'utf8'), ts.ScriptTarget.Latest, true);
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const decl = statement.declarationList.declarations.find((d) => d.name.getText() === 'OPTIONS');
    if (decl?.initializer) return strings(ts, decl.initializer);
  }
  throw new Error(`analyze: ${file} has no OPTIONS`);
}

function derivedAttributes() {
  /** Class name -> its properties as declared: name, and whether the declaration reflects. */
  const declared = new Map();
  return {
    name: 'aq-signin-derived-attributes',
    analyzePhase({ ts, node }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      for (const member of node.members) {
        const init = ts.isPropertyDeclaration(member) && member.name.getText() === 'properties' ? member.initializer : undefined;
        if (!init || !ts.isCallExpression(init) || init.expression.getText() !== 'attributes') continue;
        const [names, object] = init.arguments;
        if (!object || !ts.isObjectLiteralExpression(object)) throw new Error('analyze: attributes() takes the names, then an object literal');
        const reflecting = new Set(object.properties.filter((p) => /reflect:\s*true/.test(p.getText())).map((p) => p.name.getText()));
        declared.set(node.name.getText(), strings(ts, names).map((name) => ({ name, reflects: reflecting.has(name) })));
      }
    },
    moduleLinkPhase({ moduleDoc }) {
      for (const decl of moduleDoc.declarations ?? []) {
        const props = declared.get(decl.name);
        if (!props) continue;
        const fields = decl.members?.filter((m) => m.kind === 'field' && !m.static) ?? [];
        for (const { name } of props) {
          if (!fields.some((f) => f.name === name)) throw new Error(`analyze: attributes() names "${name}", which ${decl.name} does not declare`);
        }
        decl.attributes = fields.flatMap((field) => {
          const prop = props.find((p) => p.name === field.name);
          if (!prop) return [];
          const { name, reflects } = prop;
          // What the analyzer's Lit support says of every reactive property.
          field.privacy ??= 'public';
          field.attribute = kebab(name);
          if (reflects) field.reflects = true;
          const { type, default: value, description } = field;
          return [{ name: kebab(name), ...(type && { type }), ...(value !== undefined && { default: value }), ...(description && { description }), fieldName: name }];
        });
      }
    },
  };
}
