// Printed at the end of `npm run build`: the Subresource Integrity hash of the script-tag build,
// for a page that serves dist/aq-signin.js from its own origin (README, "Install").
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const file = new URL('../dist/aq-signin.js', import.meta.url);
const hash = `sha384-${createHash('sha384').update(readFileSync(file)).digest('base64')}`;
console.log(`dist/aq-signin.js integrity: ${hash}`);
console.log(`  <script src="/aq-signin.js" integrity="${hash}" crossorigin="anonymous"></script>`);
