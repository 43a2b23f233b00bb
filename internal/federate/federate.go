// Package federate asks across services and regions: the merged executions
// of several resources, and refetching any execution by its global id.
package federate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/execgraph/execgraph/graph/model"
	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/loader"
	"github.com/execgraph/execgraph/internal/relay"
	"github.com/execgraph/execgraph/internal/source"
)

// MaxSources bounds the resources one executions query may merge.
const MaxSources = 20

// Source is one validated ExecutionSourceInput.
type Source struct {
	Service model.ExecutionService
	ID      string // the list API's required argument
	Region  string // "" for the ARN's region or the default
}

func (s Source) String() string { return strings.ToLower(string(s.Service)) + " " + apperr.Quote(s.ID) }

// Sources validates the inputs: each names exactly one resource, once; a
// malformed region, or one that contradicts an ARN's, is refused. Errors are
// BAD_USER_INPUT.
func Sources(in []*model.ExecutionSourceInput) ([]Source, error) {
	if len(in) == 0 || len(in) > MaxSources {
		return nil, apperr.New(apperr.BadUserInput, "sources must name 1 to %d resources, got %d", MaxSources, len(in))
	}
	out := make([]Source, len(in))
	for i, s := range in {
		var set []Source
		for _, c := range []struct {
			svc   model.ExecutionService
			value *string
		}{
			{model.ExecutionServiceLambda, s.LambdaFunctionName}, {model.ExecutionServiceImagebuilder, s.ImageBuildVersionArn},
			{model.ExecutionServiceStepfunctions, s.StepFunctionsExecutionArn}, {model.ExecutionServiceIot, s.IotJobID},
			{model.ExecutionServiceTransfer, s.TransferWorkflowID},
		} {
			if c.value != nil {
				set = append(set, Source{Service: c.svc, ID: *c.value})
			}
		}
		if len(set) != 1 || set[0].ID == "" {
			return nil, apperr.New(apperr.BadUserInput, "sources[%d] must set exactly one of lambdaFunctionName, imageBuildVersionArn, stepFunctionsExecutionArn, iotJobId, transferWorkflowId", i)
		}
		src := set[0]
		if s.Region != nil {
			src.Region = *s.Region
		}
		if j := slices.Index(out[:i], src); j >= 0 {
			return nil, apperr.New(apperr.BadUserInput, "sources[%d] repeats sources[%d]", i, j)
		}
		out[i] = src
	}
	return out, nil
}

// Executions is the merge of the sources' listings, newest first, keeping
// only the statuses asked for (none: all). It also returns, per listing of
// the merge, the index of the source it belongs to: an IoT source filtered
// on statuses that map to several IoT statuses is one listing per status.
//
// A source whose arguments AWS would refuse, or whose region is not served
// or contradicts its ARN's, is an error naming it (BAD_USER_INPUT).
func Executions(ctx context.Context, src *source.Source, sealer *relay.Sealer, sources []Source, statuses []model.ExecutionStatus) (relay.Merge[model.Execution], []int, error) {
	want := map[model.ExecutionStatus]bool{}
	for _, st := range statuses {
		want[st] = true
	}
	m := relay.Merge[model.Execution]{Before: before, Sealer: sealer}
	if len(want) > 0 {
		m.Keep = func(e model.Execution) bool { st := e.GetStatus(); return st != nil && want[*st] }
	}
	var owner []int
	var fps []string
	add := func(i int, l relay.Listing[model.Execution], filtered bool) {
		m.Sources = append(m.Sources, l)
		m.Filtered = append(m.Filtered, filtered && len(want) > 0)
		owner = append(owner, i)
		fps = append(fps, l.Fingerprint)
	}
	for i, s := range sources {
		natives := source.NativeStatuses(s.Service, statuses)
		if len(want) > 0 && len(natives) == 0 {
			continue // none of the statuses is one this service has
		}
		var ls []relay.Listing[model.Execution]
		var err error
		filtered := false
		switch s.Service {
		case model.ExecutionServiceLambda:
			l, lerr := src.DurableExecutions(source.LambdaFilter{Region: s.Region, FunctionName: s.ID, Statuses: natives})
			ls, err = one(ctx, l, lerr)
		case model.ExecutionServiceIot:
			if len(want) == 0 {
				natives = []string{""}
			}
			for _, st := range natives {
				l, lerr := src.JobExecutions(s.Region, s.ID, st)
				var one1 []relay.Listing[model.Execution]
				if one1, err = one(ctx, l, lerr); err != nil {
					break
				}
				ls = append(ls, one1...)
			}
		case model.ExecutionServiceImagebuilder:
			l, lerr := src.WorkflowExecutions(s.Region, s.ID)
			ls, err = one(ctx, l, lerr)
			filtered = true
		case model.ExecutionServiceTransfer:
			l, lerr := src.TransferExecutions(s.Region, s.ID)
			ls, err = one(ctx, l, lerr)
			filtered = true
		case model.ExecutionServiceStepfunctions:
			l, lerr := src.MapRuns(s.Region, s.ID)
			ls, err = one(ctx, l, lerr)
			if err == nil && len(want) > 0 {
				// Each map run read costs a describe: read no more than
				// first needs, unlike the sources filtered for free.
				ls[0].Fetch = withMapRunStatus(ls[0].Fetch)
			}
		}
		if err != nil {
			return m, nil, SourceFailed(i, s, err)
		}
		for _, l := range ls {
			add(i, l, filtered)
		}
	}
	m.Fingerprint = relay.Fingerprint(append([]string{"executions", statusKey(statuses)}, fps...)...)
	return m, owner, nil
}

// one is a listing of one source, its pages shared within the request, as
// a listing of executions.
func one[T model.Execution](ctx context.Context, l relay.Listing[T], err error) ([]relay.Listing[model.Execution], error) {
	if err != nil {
		return nil, err
	}
	return []relay.Listing[model.Execution]{erase(loader.Shared(ctx, l))}, nil
}

// statusKey names a status filter canonically (sorted, without repeats).
func statusKey(statuses []model.ExecutionStatus) string {
	parts := make([]string, len(statuses))
	for i, s := range statuses {
		parts[i] = string(s)
	}
	slices.Sort(parts)
	return strings.Join(slices.Compact(parts), ",")
}

// erase turns a listing of one type into a listing of executions.
func erase[T model.Execution](l relay.Listing[T]) relay.Listing[model.Execution] {
	out := relay.Listing[model.Execution]{Fingerprint: l.Fingerprint, MaxPage: l.MaxPage,
		Fetch: func(ctx context.Context, token string, size int) (relay.Page[model.Execution], error) {
			p, err := l.Fetch(ctx, token, size)
			out := relay.Page[model.Execution]{Next: p.Next, Items: make([]model.Execution, len(p.Items))}
			for i, it := range p.Items {
				out.Items[i] = it
			}
			return out, err
		}}
	if l.Key != nil {
		out.Key = func(e model.Execution) string { return l.Key(e.(T)) }
	}
	return out
}

// withMapRunStatus fills in the status of every map run of a page, which
// the listing leaves out, through the DescribeMapRun loader (all at once).
// The page may be shared with other fields of the request: it returns a
// copy of each map run, never changing the shared ones. A map run that no
// longer exists keeps no status, so the filter drops it.
func withMapRunStatus(fetch relay.Fetcher[model.Execution]) relay.Fetcher[model.Execution] {
	return func(ctx context.Context, token string, size int) (relay.Page[model.Execution], error) {
		p, err := fetch(ctx, token, size)
		if err != nil {
			return p, err
		}
		keys := make([]string, len(p.Items))
		for i, it := range p.Items {
			keys[i] = it.(*model.StepFunctionsMapRun).MapRunArn
		}
		details, errs := loader.For(ctx).MapRun.LoadMany(ctx, keys)()
		out := relay.Page[model.Execution]{Next: p.Next, Items: make([]model.Execution, len(p.Items))}
		for i, it := range p.Items {
			run := *it.(*model.StepFunctionsMapRun)
			switch {
			case len(errs) > i && errs[i] != nil && apperr.CodeOf(errs[i]) != apperr.NotFound:
				return relay.Page[model.Execution]{}, errs[i]
			case len(errs) > i && errs[i] != nil:
			default:
				run.Status, run.NativeStatus = details[i].Status, details[i].NativeStatus
			}
			out.Items[i] = &run
		}
		return out, nil
	}
}

// sortTime is when an execution counts as started for the merge: its start,
// or for an IoT execution still queued its queue time; false if it has none.
func sortTime(e model.Execution) (time.Time, bool) {
	if t := e.GetStartedAt(); t != nil {
		return *t, true
	}
	if j, ok := e.(*model.IoTJobExecution); ok && j.JobExecutionSummary != nil && j.JobExecutionSummary.QueuedAt != nil {
		return *j.JobExecutionSummary.QueuedAt, true
	}
	return time.Time{}, false
}

// before orders the merge: executions with no time first (Transfer's: all in
// progress), then newest first.
func before(a, b model.Execution) bool {
	ta, oka := sortTime(a)
	tb, okb := sortTime(b)
	if oka != okb {
		return !oka
	}
	return oka && ta.After(tb)
}

// SourceFailed is the error of a source whose listing failed: it names the
// source by its index in sources and what it lists, keeping the cause's code.
func SourceFailed(index int, s Source, err error) error {
	out := &apperr.Error{Code: apperr.CodeOf(err), Message: "internal error", Err: err}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		out.Message, out.Service, out.RequestID, out.RetryAfter = ae.Message, ae.Service, ae.RequestID, ae.RetryAfter
	}
	out.Message = fmt.Sprintf("sources[%d] (%s) failed: %s", index, strings.ToLower(string(s.Service)), out.Message)
	out.Extra = map[string]any{"source": index}
	return out
}
