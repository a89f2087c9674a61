// `npm run op`: the dev OP on its own (PORT, default 3000; RP_ORIGINS, comma separated, are
// accepted next to http://localhost:5173).
import { startOp } from './provider.js';
import { redirectUriLines, rpOriginsFrom } from './rp-origins.js';

const port = Number(process.env.PORT || 3000);
let rpOrigins;
try {
  rpOrigins = rpOriginsFrom(process.env);
} catch (err) {
  console.error(err.message);
  process.exit(1);
}

let op;
try {
  op = await startOp({ port, rpOrigins, log: process.env.OP_LOG === '1' });
} catch (err) {
  console.error(err.code === 'EADDRINUSE' ? `Port ${port} is already in use: stop what runs there or set PORT.` : err);
  process.exit(1);
}
console.log(`Dev OP: ${op.issuer}`);
console.log(`Discovery: ${op.issuer}/.well-known/openid-configuration`);
console.log('Client: demo (public, PKCE S256)');
for (const line of redirectUriLines(rpOrigins)) console.log(line);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await op.close();
    process.exit(0);
  });
}
