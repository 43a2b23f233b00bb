// Apollo Client (core, no React) against execgraph: every connection field of
// Query paged to its end with fetchMore into an InMemoryCache whose type
// policies are relayStylePagination, as a web portal would.
//
//   node apollo.mjs <gateway URL> <emulator URL>
//   e.g. node apollo.mjs http://127.0.0.1:8080 http://127.0.0.1:4566
//
// For each service, the largest seeded resource of the emulator's default
// region is walked page by page (fetchMore({variables: {after: endCursor}}));
// the cache must then hold exactly the manifest's count of distinct items,
// under as many edges with distinct cursors, and hasNextPage false. Then one
// executions query merges several resources of every service and both
// regions, and is walked and checked the same way. The last line of output is
// a JSON summary of what was walked.
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';

const [gateway, emulator] = process.argv.slice(2);
if (!gateway || !emulator) {
  console.error('usage: node apollo.mjs <gateway URL> <emulator URL>');
  process.exit(2);
}

// keyArgs: every argument but first and after, so that the pages of one
// listing merge and two listings never do.
const typePolicies = {
  Query: {
    fields: {
      lambdaDurableExecutions: relayStylePagination([
        'functionName', 'region', 'qualifier', 'durableExecutionName', 'statuses',
        'startedAfter', 'startedBefore', 'reverseOrder',
      ]),
      imageBuilderWorkflowExecutions: relayStylePagination(['imageBuildVersionArn']),
      stepFunctionsMapRuns: relayStylePagination(['executionArn']),
      iotJobExecutions: relayStylePagination(['jobId', 'status', 'region']),
      transferExecutions: relayStylePagination(['workflowId', 'region']),
      executions: relayStylePagination(['sources', 'statuses']),
    },
  },
  ImageBuilderWorkflowExecution: {
    fields: { steps: relayStylePagination(false) },
  },
};

const newClient = () =>
  new ApolloClient({
    link: new HttpLink({ uri: new URL('/graphql', gateway).href }),
    cache: new InMemoryCache({ typePolicies }),
  });

const page = `pageInfo { hasNextPage endCursor }`;

// One listing per service: its field, its type, its query, the variables of
// a resource of the manifest, and a page size that does not divide the
// API's page, so that pages resume in the middle of upstream pages.
const listings = {
  lambda: {
    field: 'lambdaDurableExecutions',
    type: 'LambdaDurableExecution',
    first: 400,
    vars: (r) => ({ functionName: r.id, region: r.region }),
    query: gql`
      query Lambda($functionName: String!, $region: String, $first: Int!, $after: String) {
        lambdaDurableExecutions(functionName: $functionName, region: $region, first: $first, after: $after) {
          edges { cursor node { id durableExecutionArn status startedAt } }
          ${page}
        }
      }`,
  },
  imagebuilder: {
    field: 'imageBuilderWorkflowExecutions',
    type: 'ImageBuilderWorkflowExecution',
    first: 15,
    vars: (r) => ({ arn: r.id }),
    query: gql`
      query ImageBuilder($arn: String!, $first: Int!, $after: String) {
        imageBuilderWorkflowExecutions(imageBuildVersionArn: $arn, first: $first, after: $after) {
          edges { cursor node { id workflowExecutionId status startedAt } }
          ${page}
        }
      }`,
  },
  stepfunctions: {
    field: 'stepFunctionsMapRuns',
    type: 'StepFunctionsMapRun',
    first: 400,
    vars: (r) => ({ executionArn: r.id }),
    query: gql`
      query MapRuns($executionArn: String!, $first: Int!, $after: String) {
        stepFunctionsMapRuns(executionArn: $executionArn, first: $first, after: $after) {
          edges { cursor node { id mapRunArn startedAt } }
          ${page}
        }
      }`,
  },
  iot: {
    field: 'iotJobExecutions',
    type: 'IoTJobExecution',
    first: 70,
    vars: (r) => ({ jobId: r.id, region: r.region }),
    query: gql`
      query IoT($jobId: String!, $region: String, $first: Int!, $after: String) {
        iotJobExecutions(jobId: $jobId, region: $region, first: $first, after: $after) {
          edges { cursor node { id thingArn status jobExecutionSummary { queuedAt executionNumber } } }
          ${page}
        }
      }`,
  },
  transfer: {
    field: 'transferExecutions',
    type: 'TransferExecution',
    first: 400,
    vars: (r) => ({ workflowId: r.id, region: r.region }),
    query: gql`
      query Transfer($workflowId: String!, $region: String, $first: Int!, $after: String) {
        transferExecutions(workflowId: $workflowId, region: $region, first: $first, after: $after) {
          edges { cursor node { id executionId status } }
          ${page}
        }
      }`,
  },
};

const executionsQuery = gql`
  query Executions($sources: [ExecutionSourceInput!]!, $first: Int!, $after: String) {
    executions(sources: $sources, first: $first, after: $after) {
      edges { cursor node { __typename id service region startedAt } }
      ${page}
    }
  }`;

// The resource field of an ExecutionSourceInput, per service.
const sourceField = {
  lambda: 'lambdaFunctionName',
  imagebuilder: 'imageBuildVersionArn',
  stepfunctions: 'stepFunctionsExecutionArn',
  iot: 'iotJobId',
  transfer: 'transferWorkflowId',
};

function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

// walk pages a connection to its end through one watched query and
// fetchMore, and returns the connection as the cache then holds it.
async function walk(client, { query, field, variables, first, label }) {
  const observable = client.watchQuery({ query, variables: { ...variables, first } });
  let resolveFirst, rejectFirst;
  const firstResult = new Promise((res, rej) => ((resolveFirst = res), (rejectFirst = rej)));
  const sub = observable.subscribe({
    next: (r) => {
      if (r.error) rejectFirst(r.error);
      else if (r.dataState === 'complete') resolveFirst(r);
    },
    error: rejectFirst,
  });
  try {
    let conn = (await firstResult).data[field];
    let pages = 1;
    while (conn.pageInfo.hasNextPage) {
      const after = conn.pageInfo.endCursor;
      check(after, `${label}: page ${pages} has a next page but no endCursor`);
      const more = await observable.fetchMore({ variables: { after } });
      check(!more.error, `${label}: page ${pages + 1}: ${more.error}`);
      pages++;
      check(pages < 1000, `${label}: no end after ${pages} pages`);
      // fetchMore resolves with the page it fetched; the cache merged it.
      conn = more.data[field];
    }
    // And what the cache holds, read afresh.
    conn = client.readQuery({ query, variables: { ...variables, first } })[field];
    return { conn, pages };
  } finally {
    sub.unsubscribe();
  }
}

// checkCache checks that a walked connection holds want distinct items.
function checkCache(client, { conn, typenames, want, label }) {
  const ids = conn.edges.map((e) => e.node.id);
  const cursors = new Set(conn.edges.map((e) => e.cursor));
  const distinct = new Set(ids);
  const seen = new Set();
  const dups = ids.filter((id) => seen.has(id) || !seen.add(id));
  check(dups.length === 0, `${label}: ${dups.length} duplicate items, such as ${dups[0]}`);
  check(distinct.size === want, `${label}: the cache holds ${distinct.size} distinct items, the manifest ${want}`);
  check(cursors.size === ids.length, `${label}: ${ids.length} edges but ${cursors.size} distinct cursors`);
  check(conn.pageInfo.hasNextPage === false, `${label}: hasNextPage is not false at the end`);
  // The normalized cache holds each item once, under its __typename and id.
  const stored = Object.keys(client.cache.extract()).filter((k) => typenames.some((t) => k.startsWith(`${t}:`)));
  check(stored.length === want, `${label}: ${stored.length} normalized ${typenames.join('/')} objects in the cache, want ${want}`);
}

const manifest = await (await fetch(new URL('/_emulator/manifest', emulator))).json();
const summary = { walks: [], executions: null };

// 1. Each service's largest resource of the default region, to its end.
for (const [service, l] of Object.entries(listings)) {
  const resource = manifest.resources
    .filter((r) => r.service === service && r.region === manifest.region)
    .reduce((a, b) => (b.count > a.count ? b : a));
  const label = `${l.field}(${resource.id})`;
  const client = newClient();
  const start = Date.now();
  const { conn, pages } = await walk(client, { query: l.query, field: l.field, variables: l.vars(resource), first: l.first, label });
  checkCache(client, { conn, typenames: [l.type], want: resource.count, label });
  console.log(`${label}: ${resource.count} distinct items in ${pages} pages of ${l.first} (${Date.now() - start} ms)`);
  summary.walks.push({ service, id: resource.id, count: conn.edges.length, pages });
}

// 2. executions over every resource but the largest of each service (both
// regions, empty ones included: 20 sources, the most allowed).
const largest = new Set(summary.walks.map((w) => w.id));
const sources = manifest.resources.filter((r) => !largest.has(r.id)).slice(0, 20);
const want = sources.reduce((n, r) => n + r.count, 0);
{
  const label = `executions(${sources.length} sources)`;
  const client = newClient();
  const start = Date.now();
  const variables = { sources: sources.map((r) => ({ [sourceField[r.service]]: r.id, region: r.region })) };
  const { conn, pages } = await walk(client, { query: executionsQuery, field: 'executions', variables, first: 45, label });
  const typenames = Object.values(listings).map((l) => l.type);
  checkCache(client, { conn, typenames, want, label });
  // Every source is in the merge, with its own count.
  const perService = {};
  for (const e of conn.edges) perService[e.node.service] = (perService[e.node.service] ?? 0) + 1;
  for (const service of Object.keys(listings)) {
    const n = sources.filter((r) => r.service === service).reduce((a, r) => a + r.count, 0);
    check((perService[service.toUpperCase()] ?? 0) === n, `${label}: ${perService[service.toUpperCase()] ?? 0} ${service} items, the manifest ${n}`);
  }
  console.log(`${label}: ${want} distinct items in ${pages} pages of 45 (${Date.now() - start} ms); per service ${JSON.stringify(perService)}`);
  summary.executions = { sources: sources.length, count: conn.edges.length, pages };
}

console.log(JSON.stringify(summary));
