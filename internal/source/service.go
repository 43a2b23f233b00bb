package source

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/relay"
)

// Service is everything the gateway knows of one AWS service, in one
// value. Services lists them all; the resolvers, the loaders, the query
// price, federate, node and nodes, and the upstream gate read this
// description instead of switching on the service. CheckRegistry fails
// the start-up when a piece is missing.
type Service struct {
	Name  string                 // "stepfunctions": stats, metrics and -rate-limits name it so
	SDKID string                 // the SDK client's ServiceID ("SFN")
	Kind  model.ExecutionService // the GraphQL enum value; global ids carry it
	// Operations are every AWS operation the gateway calls on the service,
	// with AWS's documented quota.
	Operations []Operation

	// Statuses maps each native status of an execution to the normalized
	// one. A native status missing here normalizes to null.
	Statuses map[string]model.ExecutionStatus
	// Final reports whether an execution in a native status, ended at ended
	// (nil: not ended), will never change again as of now: its details may
	// then be kept across requests. Terminal is not always final (a failed
	// Step Functions run can be redriven for 14 days).
	Final func(native string, ended *time.Time, now time.Time) bool

	// Input is the field of ExecutionSourceInput that names one of the
	// service's resources in `executions` ("stepFunctionsExecutionArn").
	Input string
	// Type is the GraphQL type of its executions ("StepFunctionsMapRun").
	Type string
	// Listing is the Query field that lists one resource's executions.
	Listing string
	// MaxPage is the listing API's largest page.
	MaxPage int
	// Filter is how a status filter applies to the listing.
	Filter StatusFilter
	// List returns the listings of one resource's executions: one, or one
	// per native status where the API takes one status at a time.
	List func(s *Source, r Resource) ([]relay.Listing[model.Execution], error)

	// Nested are further listings within an execution, such as an Image
	// Builder workflow execution's steps: priced like Listing.
	Nested []NestedListing
	// Details are the detail operations that fill fields of Type, one call
	// per item (priced 1 per field per item).
	Details []DetailFields

	// IDKeys is how many keys the global ids of its executions carry, and
	// Node refetches an execution from them (BAD_USER_INPUT for keys that
	// do not name one).
	IDKeys int
	Node   func(ctx context.Context, region string, keys []string) (func() (model.Node, error), error)
}

// StatusFilter is how a listing takes a status filter.
type StatusFilter int

const (
	// FilterInGateway: the API takes no status; the gateway drops what it
	// does not want, reading pages of the API's largest size.
	FilterInGateway StatusFilter = iota
	// FilterUpstream: the API takes every status at once.
	FilterUpstream
	// FilterPerStatus: the API takes one status: one listing per status.
	FilterPerStatus
	// FilterByDescribe: the listing reports no status: each item read is
	// described to learn it (map runs).
	FilterByDescribe
)

// NestedListing is a connection field within an execution type.
type NestedListing struct {
	Type, Field string // "ImageBuilderWorkflowExecution", "steps"
	MaxPage     int
}

// DetailFields are the fields of a GraphQL type that one detail operation
// fills.
type DetailFields struct {
	Op     string   // "DescribeMapRun"
	Type   string   // "StepFunctionsMapRun"
	Fields []string // "status", "itemCounts", ...
}

// Resource names the resource whose executions a service lists.
type Resource struct {
	Region   string   // the region asked for; "" for the ARN's or the default
	ID       string   // the list API's required argument
	Statuses []string // native statuses to keep (nil: all)
	Filter   any      // the service's further filters (LambdaFilter), nil: none
}

// Operation is one AWS operation and AWS's documented rate quota for it.
type Operation struct {
	Name  string // as AWS names it: "ListMapRuns"
	Quota Limit  // AWS's quota, used as a client-side token bucket on -backend aws
}

// Limit is a token bucket: Burst calls at once, refilled at PerSecond.
type Limit struct {
	Burst     int
	PerSecond float64
}

// Services are the services the gateway federates, in schema order.
var Services = []*Service{Lambda, ImageBuilder, StepFunctions, IoT, Transfer}

// ServiceBySDKID returns the service of an SDK ServiceID, nil for another.
func ServiceBySDKID(id string) *Service {
	return find(func(s *Service) bool { return s.SDKID == id })
}

// ServiceOf returns the service of a kind, nil for none.
func ServiceOf(kind model.ExecutionService) *Service {
	return find(func(s *Service) bool { return s.Kind == kind })
}

// ServiceByInput returns the service named by a field of
// ExecutionSourceInput, nil for none.
func ServiceByInput(field string) *Service {
	return find(func(s *Service) bool { return s.Input == field })
}

func find(match func(*Service) bool) *Service {
	if i := slices.IndexFunc(Services, match); i >= 0 {
		return Services[i]
	}
	return nil
}

// Has reports whether the service calls the operation.
func (s *Service) Has(op string) bool {
	return slices.ContainsFunc(s.Operations, func(o Operation) bool { return o.Name == op })
}

// Normalize returns the normalized status of a native status, nil for an
// empty or unknown one (a value AWS added after this build).
func (s *Service) Normalize(native string) *model.ExecutionStatus {
	if st, ok := s.Statuses[native]; ok {
		return &st
	}
	return nil
}

// NativeStatuses returns the native statuses that normalize to one of
// statuses, sorted.
func (s *Service) NativeStatuses(statuses []model.ExecutionStatus) []string {
	var out []string
	for native, st := range s.Statuses {
		if slices.Contains(statuses, st) {
			out = append(out, native)
		}
	}
	slices.Sort(out)
	return out
}

// OperationNames are "service.Operation" for every operation the gateway
// calls, sorted.
func OperationNames() []string {
	var out []string
	for _, s := range Services {
		for _, op := range s.Operations {
			out = append(out, s.Name+"."+op.Name)
		}
	}
	slices.Sort(out)
	return out
}

// AWSQuotas are the documented AWS quotas of every operation, by
// "service.Operation".
func AWSQuotas() map[string]Limit {
	out := map[string]Limit{}
	for _, s := range Services {
		for _, op := range s.Operations {
			out[s.Name+"."+op.Name] = op.Quota
		}
	}
	return out
}

// ParseLimits parses "service.Operation=burst/perSecond" entries separated
// by commas, such as "stepfunctions.DescribeMapRun=200/1". An operation the
// gateway does not call is an error that lists those it does.
func ParseLimits(s string) (map[string]Limit, error) {
	out := map[string]Limit{}
	known := OperationNames()
	for _, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		op, spec, ok1 := strings.Cut(entry, "=")
		b, r, ok2 := strings.Cut(spec, "/")
		burst, err1 := strconv.Atoi(b)
		rate, err2 := strconv.ParseFloat(r, 64)
		if !ok1 || !ok2 || err1 != nil || err2 != nil || burst < 1 || rate <= 0 {
			return nil, fmt.Errorf("rate limit %q: want service.Operation=burst/perSecond, such as stepfunctions.DescribeMapRun=200/1", entry)
		}
		if _, found := slices.BinarySearch(known, op); !found {
			return nil, fmt.Errorf("rate limit %q: execgraph does not call %s; it calls %s", entry, op, strings.Join(known, ", "))
		}
		out[op] = Limit{Burst: burst, PerSecond: rate}
	}
	return out, nil
}

// kindOf is the ExecutionService of an enum value's name.
func kindOf(name string) model.ExecutionService { return model.ExecutionService(name) }
