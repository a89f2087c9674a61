// `npm run analyze`: the custom elements manifest of <aq-signin>. The analyzer's Lit support reads
// the fields and their JSDoc; the attributes it cannot see, because the element derives each one
// from its property's name (`static properties = attributes({ clientId: {}, … })` in
// src/element/aq-signin.ts, which saves first-paint bytes). This plugin reads that object and
// writes what the analyzer would have: the attribute table, and `attribute`/`reflects` on fields.
export default {
  globs: ['src/element/aq-signin.ts'],
  outdir: '.',
  litelement: true,
  plugins: [derivedAttributes()],
};

const kebab = (name) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

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
        const [object] = init.arguments;
        if (!object || !ts.isObjectLiteralExpression(object)) throw new Error('analyze: attributes() takes an object literal');
        declared.set(node.name.getText(), object.properties.map((p) => ({
          name: p.name.getText(),
          reflects: /reflect:\s*true/.test(p.getText()),
        })));
      }
    },
    moduleLinkPhase({ moduleDoc }) {
      for (const decl of moduleDoc.declarations ?? []) {
        const props = declared.get(decl.name);
        if (!props) continue;
        decl.attributes = props.map(({ name, reflects }) => {
          const field = decl.members?.find((m) => m.kind === 'field' && m.name === name && !m.static);
          if (!field) throw new Error(`analyze: attributes() names "${name}", which ${decl.name} does not declare`);
          // What the analyzer's Lit support says of every reactive property.
          field.privacy ??= 'public';
          field.attribute = kebab(name);
          if (reflects) field.reflects = true;
          const { type, default: value, description } = field;
          return { name: kebab(name), ...(type && { type }), ...(value !== undefined && { default: value }), ...(description && { description }), fieldName: name };
        });
      }
    },
  };
}
