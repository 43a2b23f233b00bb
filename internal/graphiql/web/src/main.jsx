// The offline GraphiQL page of execgraph. The Go handler writes the
// configuration into the page as a JSON block (no inline script):
//
//	<script type="application/json" id="graphiql-config">
//	  {"endpoint": "/graphql", "defaultQuery": "...", "styleNonce": "..."}
//	</script>
//
// styleNonce is the per-response nonce of the page's Content-Security-Policy
// for <style> elements: react-style-singleton (the scroll lock of GraphiQL's
// dialogs and menus) is the one part of the bundle that writes one.
//
// The editors' state lives in the URL like gqlgen's
// WithGraphiqlPersistStateInURL: ?query=, ?variables= and ?operationName=
// open the page on them and follow every edit. Headers never go into the
// URL: they hold tokens (Authorization: Bearer ...).
import { setNonce } from 'get-nonce';
import { useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { explorerPlugin } from '@graphiql/plugin-explorer';

import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './page.css';

const config = JSON.parse(document.getElementById('graphiql-config').textContent);
const endpoint = config.endpoint;
if (config.styleNonce) setNonce(config.styleNonce);

// A plain GraphQL-over-HTTP fetcher: POST JSON to the same-origin endpoint.
// GraphiQL hands it the headers typed in its headers editor.
async function fetcher(params, opts) {
  const response = await fetch(endpoint, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      Accept: 'application/graphql-response+json, application/json',
      ...(opts && opts.headers),
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(params),
  });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    // Not GraphQL (a proxy's error page): show it rather than fail silently.
    return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 1000)}` }] };
  }
}

const params = new URLSearchParams(window.location.search);
const state = {
  query: params.get('query') || config.defaultQuery || '',
  variables: params.get('variables') ?? undefined,
  operationName: params.get('operationName') ?? undefined,
};

function updateURL() {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) {
    if (value) search.set(key, value);
  }
  const q = search.toString();
  window.history.replaceState(null, '', (q ? '?' + q : window.location.pathname) + window.location.hash);
}
// Like the redirect of the page it replaces, the URL names the query from
// the start, so that it can be shared as soon as the page opens.
updateURL();

const explorer = explorerPlugin();

// OpenExplorer opens the explorer once GraphiQL shows its button, as a click
// on it would. (GraphiQL 4.1's visiblePlugin prop selects the plugin but
// leaves its pane hidden on the first render: the pane's hidden state is
// taken before the prop reaches the plugin store.) It focuses the query
// editor first: the explorer's argument inputs take the focus on mount
// unless an editor has it, and scroll the pane to the last one.
function OpenExplorer() {
  useEffect(() => {
    const root = document.getElementById('graphiql');
    const label = `Show ${explorer.title}`;
    const tryOpen = () => {
      const editor = root.querySelector('.graphiql-query-editor textarea');
      const button = [...root.querySelectorAll('.graphiql-sidebar button[aria-label]')].find(
        (b) => b.getAttribute('aria-label') === label,
      );
      if (!editor || !button) return false;
      editor.focus();
      button.click();
      return true;
    };
    if (tryOpen()) return undefined;
    const observer = new MutationObserver(() => {
      if (tryOpen()) observer.disconnect();
    });
    observer.observe(root, { childList: true, subtree: true });
    const timer = setTimeout(() => observer.disconnect(), 10000);
    return () => {
      observer.disconnect();
      clearTimeout(timer);
    };
  }, []);
  return null;
}

createRoot(document.getElementById('graphiql')).render(
  <>
    <GraphiQL
      fetcher={fetcher}
      plugins={[explorer]}
      defaultQuery={config.defaultQuery ?? ''}
      query={state.query}
      variables={state.variables}
      operationName={state.operationName}
      isHeadersEditorEnabled={true}
      defaultEditorToolsVisibility={state.variables ? 'variables' : false}
      inputValueDeprecation={true}
      onEditQuery={(value) => {
        state.query = value;
        updateURL();
      }}
      onEditVariables={(value) => {
        state.variables = value;
        updateURL();
      }}
      onEditOperationName={(value) => {
        state.operationName = value;
        updateURL();
      }}
    />
    <OpenExplorer />
  </>,
);
