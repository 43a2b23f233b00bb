package main

import (
	"testing"
	"time"
)

// TestGraphQLHTTPAudit runs graphql-http's server audits (the GraphQL over
// HTTP conformance suite, testdata/node/audit.mjs) against /graphql: every
// audit must pass or be a notice, none a warning or an error.
func TestGraphQLHTTPAudit(t *testing.T) {
	requireNode(t)
	m := startGateway(t)
	runNode(t, time.Minute, "audit.mjs", m.URL)
}
