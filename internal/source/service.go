package source

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Service describes one AWS service the gateway calls. Services lists them
// all; what is shared across services (the upstream gate's bounds, the
// rate-limit names, the metrics' labels) is read from there, never written
// per service elsewhere.
type Service struct {
	Name  string // "stepfunctions": the name in stats, metrics and -rate-limits
	SDKID string // the SDK client's ServiceID ("SFN")
	// Operations are every AWS operation the gateway calls on the service.
	Operations []Operation
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
var Services = []*Service{lambdaService, imageBuilderService, sfnService, iotService, transferService}

// ServiceBySDKID returns the service of an SDK ServiceID, nil for another.
func ServiceBySDKID(id string) *Service {
	for _, s := range Services {
		if s.SDKID == id {
			return s
		}
	}
	return nil
}

// Has reports whether the service calls the operation.
func (s *Service) Has(op string) bool {
	return slices.ContainsFunc(s.Operations, func(o Operation) bool { return o.Name == op })
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
