package loader

import (
	"fmt"
	"strconv"
	"strings"
)

// Limit is a client-side token bucket for one AWS operation: Burst calls at
// once, refilled at PerSecond.
type Limit struct {
	Burst     int
	PerSecond float64
}

// AWSQuotas are the documented AWS quotas of the detail operations the
// loaders call, used as client-side token buckets on the aws backend, so
// that a page of 1000 items does not run into AWS throttling.
var AWSQuotas = map[string]Limit{
	"stepfunctions.DescribeMapRun":       {Burst: 200, PerSecond: 1},
	"stepfunctions.DescribeExecution":    {Burst: 250, PerSecond: 20},
	"stepfunctions.DescribeStateMachine": {Burst: 200, PerSecond: 20},
	"iot.DescribeJobExecution":           {Burst: 10, PerSecond: 10},
	"iot.DescribeJob":                    {Burst: 10, PerSecond: 10},
	"iot.DescribeThing":                  {Burst: 10, PerSecond: 10},
	"lambda.GetDurableExecution":         {Burst: 15, PerSecond: 15},
	"transfer.DescribeExecution":         {Burst: 10, PerSecond: 10},
	"transfer.DescribeWorkflow":          {Burst: 10, PerSecond: 10},
	"imagebuilder.GetWorkflowExecution":  {Burst: 20, PerSecond: 20},
}

// ParseLimits parses "service.Operation=burst/perSecond" entries separated
// by commas, such as "stepfunctions.DescribeMapRun=200/1".
func ParseLimits(s string) (map[string]Limit, error) {
	out := map[string]Limit{}
	for _, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		op, spec, ok1 := strings.Cut(entry, "=")
		b, r, ok2 := strings.Cut(spec, "/")
		burst, err1 := strconv.Atoi(b)
		rate, err2 := strconv.ParseFloat(r, 64)
		if !ok1 || !ok2 || !strings.Contains(op, ".") || err1 != nil || err2 != nil || burst < 1 || rate <= 0 {
			return nil, fmt.Errorf("rate limit %q: want service.Operation=burst/perSecond, such as stepfunctions.DescribeMapRun=200/1", entry)
		}
		out[op] = Limit{Burst: burst, PerSecond: rate}
	}
	return out, nil
}
