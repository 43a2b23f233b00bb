// graphql-http's server audits (GraphQL over HTTP conformance) against
// execgraph's /graphql endpoint.
//
//   node audit.mjs <gateway URL>      e.g. node audit.mjs http://127.0.0.1:8080
//
// Prints each audit's id, status and name (and why, for one that is not ok);
// exits 1 on any error or warning. Notices are printed but do not fail.
import { serverAudits } from 'graphql-http';

const [base] = process.argv.slice(2);
if (!base) {
  console.error('usage: node audit.mjs <gateway URL>');
  process.exit(2);
}
const url = new URL('/graphql', base).href;

const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  counts[result.status]++;
  console.log(`${result.id} ${result.status.padEnd(6)} ${result.name}`);
  if (result.status !== 'ok') {
    let body = '';
    try {
      body = await result.response.text();
    } catch {
      // the audit already read it
    }
    console.log(`    ${result.reason}`);
    console.log(`    HTTP ${result.response.status} ${result.response.headers.get('content-type') ?? ''} ${body.slice(0, 300)}`);
  }
}
console.log(`audits: ${counts.ok} ok, ${counts.notice} notices, ${counts.warn} warnings, ${counts.error} errors`);
process.exit(counts.warn + counts.error > 0 ? 1 : 0);
