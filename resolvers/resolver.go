package resolvers

// Resolver is the root resolver. (Filled in below.)
type Resolver struct{}
