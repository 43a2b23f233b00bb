// Package graph holds the executable schema that gqlgen generates from
// schema.graphqls. Nothing here is edited by hand: `go generate ./...`
// rebuilds it.
package graph

//go:generate sh -c "cd .. && go run ./scripts/gengraph"
