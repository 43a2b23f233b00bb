// relay-compiler against execgraph: compile the Relay project of relay/
// (@connection over all seven connections) against the gateway's schema,
// persist its operations, then run them by documentId as a Relay network
// layer would, against a gateway that serves only those documents.
//
//   node relay.mjs compile <dir>
//       Copies relay/ and ../../../schema.graphqls into <dir>, runs
//       relay-compiler there (persistConfig: <dir>/persisted-queries.json,
//       SHA256 ids) and checks it compiles with no error or warning, that
//       every connection has its @connection handle and every operation its
//       persisted document (id = sha256 of the text).
//   node relay.mjs run <dir> <gateway URL> <emulator URL>
//       Against `go run ./server -trusted-documents <dir>/persisted-queries.json`:
//       each query is sent by documentId (the artifact's params.id), its next
//       page by the compiler's pagination query with the endCursor, the
//       steps of an Image Builder execution through node(id:) to their end;
//       a query sent as text must be refused (PERSISTED_QUERY_NOT_ALLOWED).
//
// Why a copy: relay-compiler (21.0.1) finds its schema among the files it
// lists under the project's root, and lists only .graphql files, so it reads
// neither ../../../schema.graphqls (outside the root) nor a .graphqls file
// (nor a symbolic link): it says "'Query' root type must be provided". The
// copy is the same text under the name it reads.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// The connections of the schema and the fragment that holds each one's
// @connection(key: "Executions_<field>").
const connections = {
  lambdaDurableExecutions: 'Executions_lambda',
  imageBuilderWorkflowExecutions: 'Executions_imageBuilder',
  stepFunctionsMapRuns: 'Executions_mapRuns',
  iotJobExecutions: 'Executions_iot',
  transferExecutions: 'Executions_transfer',
  executions: 'Executions_merged',
  steps: 'Executions_steps',
};
// The queries of the project and the pagination query of the same connection.
const queries = {
  ExecutionsLambdaQuery: ['lambdaDurableExecutions', 'ExecutionsLambdaPaginationQuery'],
  ExecutionsImageBuilderQuery: ['imageBuilderWorkflowExecutions', 'ExecutionsImageBuilderPaginationQuery'],
  ExecutionsMapRunsQuery: ['stepFunctionsMapRuns', 'ExecutionsMapRunsPaginationQuery'],
  ExecutionsIoTQuery: ['iotJobExecutions', 'ExecutionsIoTPaginationQuery'],
  ExecutionsTransferQuery: ['transferExecutions', 'ExecutionsTransferPaginationQuery'],
  ExecutionsMergedQuery: ['executions', 'ExecutionsMergedPaginationQuery'],
};
const operations = [...Object.keys(queries), ...Object.values(queries).map(([, p]) => p), 'ExecutionsStepsPaginationQuery'];

function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

const artifact = (dir, name) => require(join(dir, 'src', '__generated__', `${name}.graphql.js`));
const persisted = (dir) => JSON.parse(readFileSync(join(dir, 'persisted-queries.json'), 'utf8'));

function compile(dir) {
  mkdirSync(join(dir, 'src'), { recursive: true });
  for (const f of readdirSync(join(here, 'relay'))) {
    if (f.endsWith('.js')) copyFileSync(join(here, 'relay', f), join(dir, 'src', f));
  }
  copyFileSync(join(here, '..', '..', '..', 'schema.graphqls'), join(dir, 'schema.graphql'));
  writeFileSync(join(dir, 'persisted-queries.json'), '{}\n'); // relay-compiler wants the file to exist
  writeFileSync(
    join(dir, 'relay.config.json'),
    JSON.stringify({
      src: './src',
      schema: './schema.graphql',
      language: 'javascript',
      eagerEsModules: false, // CommonJS artifacts, which this script requires
      jsModuleFormat: 'commonjs',
      noSourceControl: true,
      excludes: ['**/node_modules/**', '**/__generated__/**'],
      persistConfig: { file: './persisted-queries.json', algorithm: 'SHA256' },
    }, null, 2),
  );
  const r = spawnSync(process.execPath, [require.resolve('relay-compiler/cli.js'), '--output', 'verbose'], { cwd: dir, encoding: 'utf8' });
  // eslint-disable-next-line no-control-regex
  const out = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
  process.stdout.write(out);
  check(r.status === 0, `relay-compiler exited with ${r.status ?? r.signal}`);
  check(!/\[(ERROR|WARN)\]/.test(out), 'relay-compiler reported errors or warnings');
  check(/Compilation completed/.test(out), 'relay-compiler did not complete');

  for (const [field, fragment] of Object.entries(connections)) {
    const a = artifact(dir, fragment);
    check(a.metadata?.connection?.length === 1, `${fragment}: no @connection metadata`);
    check(JSON.stringify(a).includes(`"__Executions_${field}_connection"`), `${fragment}: no connection handle for ${field}`);
    const op = a.metadata.refetch?.operation;
    check(op, `${fragment}: no @refetchable query`);
    console.log(`@connection(key: "Executions_${field}") in ${fragment}, paginated by ${(op.default ?? op).params.name}`);
  }
  const docs = persisted(dir);
  check(Object.keys(docs).length === operations.length, `${Object.keys(docs).length} persisted documents, want ${operations.length}`);
  for (const name of operations) {
    const { params } = artifact(dir, name);
    check(params.text === null, `${name}: the artifact holds its text; a persisted one should not`);
    const text = docs[params.id];
    check(text !== undefined, `${name}: its id ${params.id} is not in persisted-queries.json`);
    check(createHash('sha256').update(text).digest('hex') === params.id, `${name}: the id is not the sha256 of the text`);
    check(text.startsWith(`query ${name}`), `${name}: persisted text is another operation`);
    console.log(`persisted ${name} ${params.id}`);
  }
}

async function run(dir, gateway, emulator) {
  const url = new URL('/graphql', gateway).href;
  const manifest = await (await fetch(new URL('/_emulator/manifest', emulator))).json();
  const largest = (service) =>
    manifest.resources
      .filter((r) => r.service === service && r.region === manifest.region)
      .reduce((a, b) => (b.count > a.count ? b : a));

  // A Relay network layer for persisted queries: the document id, never the text.
  async function fetchRelay(name, variables) {
    const { params } = artifact(dir, name);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json;q=0.9' },
      body: JSON.stringify({ documentId: params.id, variables }),
    });
    const body = await res.json();
    check(res.ok && !body.errors, `${name}: HTTP ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    return body.data;
  }

  const vars = {
    ExecutionsLambdaQuery: () => ({ functionName: largest('lambda').id, region: manifest.region }),
    ExecutionsImageBuilderQuery: () => ({ imageBuildVersionArn: largest('imagebuilder').id }),
    ExecutionsMapRunsQuery: () => ({ executionArn: largest('stepfunctions').id }),
    ExecutionsIoTQuery: () => ({ jobId: largest('iot').id, region: manifest.region }),
    ExecutionsTransferQuery: () => ({ workflowId: largest('transfer').id, region: manifest.region }),
    ExecutionsMergedQuery: () => ({
      sources: ['lambda', 'iot', 'transfer'].map((s) => ({ [{ lambda: 'lambdaFunctionName', iot: 'iotJobId', transfer: 'transferWorkflowId' }[s]]: largest(s).id })),
    }),
  };
  let imageBuilderNode;
  for (const [name, [field, pagination]] of Object.entries(queries)) {
    const v = vars[name]();
    const first = (await fetchRelay(name, v))[field];
    check(first.edges.length === 20 && first.pageInfo.hasNextPage, `${name}: ${first.edges.length} edges, hasNextPage ${first.pageInfo.hasNextPage}; want a full first page of 20 and more`);
    const next = (await fetchRelay(pagination, { ...v, count: 20, cursor: first.pageInfo.endCursor }))[field];
    const seen = new Set(first.edges.map((e) => e.node.id));
    check(next.edges.length > 0 && next.edges.every((e) => !seen.has(e.node.id)), `${pagination}: the next page repeats the first or is empty`);
    console.log(`${name} by documentId: ${first.edges.length} items; ${pagination} after its endCursor: ${next.edges.length} more`);
    if (field === 'imageBuilderWorkflowExecutions') imageBuilderNode = first.edges[0].node;
  }

  // The nested connection, through node(id:): the steps of one execution to their end.
  const stepIds = new Set();
  let cursor = null;
  let pages = 0;
  for (;;) {
    const { node } = await fetchRelay('ExecutionsStepsPaginationQuery', { id: imageBuilderNode.id, count: 2, cursor });
    for (const e of node.steps.edges) {
      check(!stepIds.has(e.node.stepExecutionId), `steps: ${e.node.stepExecutionId} twice`);
      stepIds.add(e.node.stepExecutionId);
    }
    pages++;
    if (!node.steps.pageInfo.hasNextPage) break;
    cursor = node.steps.pageInfo.endCursor;
    check(pages < 100, 'steps: no end');
  }
  check(stepIds.size > 0 && stepIds.size === imageBuilderNode.totalStepCount, `steps: ${stepIds.size}, totalStepCount ${imageBuilderNode.totalStepCount}`);
  console.log(`ExecutionsStepsPaginationQuery through node(id:): ${stepIds.size} steps of ${imageBuilderNode.workflowExecutionId} in ${pages} pages of 2`);

  // Anything else is refused.
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  const body = await res.json();
  check(body.errors?.[0]?.extensions?.code === 'PERSISTED_QUERY_NOT_ALLOWED' && !('data' in body), `a query sent as text: HTTP ${res.status} ${JSON.stringify(body)}`);
  console.log(`a query sent as text: HTTP ${res.status} ${body.errors[0].extensions.code}`);
}

const [mode, dir, ...rest] = process.argv.slice(2);
if (mode === 'compile' && dir) {
  compile(resolve(dir));
} else if (mode === 'run' && dir && rest.length === 2) {
  await run(resolve(dir), ...rest);
} else {
  console.error('usage: node relay.mjs compile <dir> | node relay.mjs run <dir> <gateway URL> <emulator URL>');
  process.exit(2);
}
