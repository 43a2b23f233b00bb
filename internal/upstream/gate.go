// Package upstream bounds what the gateway asks of AWS, for every SDK call
// whatever asked for it (a listing, a describe, a nested connection): at
// most a number of calls in flight per service, a token bucket per
// operation, and a budget of calls per request, set by the request's price.
// It is SDK middleware, so no call can go around it.
package upstream

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"golang.org/x/time/rate"

	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/obs"
	"github.com/execgraph/execgraph/internal/source"
)

// MaxRateWait is the longest a call waits for its token bucket; a call
// that would wait longer fails at once as THROTTLED, with retryAfter.
const MaxRateWait = 5 * time.Second

// Config configures a Gate.
type Config struct {
	// Concurrency bounds the calls in flight per service, across requests.
	Concurrency int
	// Limits are token buckets by "service.Operation" (see
	// source.ParseLimits); an operation without one is not limited.
	Limits map[string]source.Limit
	// Metrics records each attempt and each wait for a bucket (nil: none).
	Metrics *obs.Metrics
}

// Gate is the shared bound of every SDK call.
type Gate struct {
	slots    map[string]chan struct{} // by service name
	limiters map[string]*rate.Limiter // by "service.Operation"
	metrics  *obs.Metrics
}

// New returns a gate over every service of source.Services.
func New(c Config) *Gate {
	g := &Gate{slots: map[string]chan struct{}{}, limiters: map[string]*rate.Limiter{}, metrics: c.Metrics}
	for _, s := range source.Services {
		g.slots[s.Name] = make(chan struct{}, max(c.Concurrency, 1))
	}
	for op, l := range c.Limits {
		g.limiters[op] = rate.NewLimiter(rate.Limit(l.PerSecond), l.Burst)
	}
	return g
}

// APIOptions installs the gate in an SDK client's middleware stack: the
// request's budget once per operation (before retries), the bucket and the
// concurrency slot once per attempt (a retry is a call AWS counts too; a
// retry's back-off holds no slot).
func (g *Gate) APIOptions(stack *middleware.Stack) error {
	if err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("execgraphBudget", g.spendBudget), middleware.After); err != nil {
		return err
	}
	return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("execgraphGate", g.admit), "Retry", middleware.After)
}

// operation names the SDK call of ctx: its service and operation.
func operation(ctx context.Context) (*source.Service, string, error) {
	svc := source.ServiceBySDKID(awsmiddleware.GetServiceID(ctx))
	op := awsmiddleware.GetOperationName(ctx)
	if svc == nil || !svc.Has(op) {
		// Fail closed: a call the registry does not describe has no bound.
		return nil, "", &apperr.Error{Code: apperr.Internal, Message: "internal error",
			Err: fmt.Errorf("SDK call %s.%s is not in the service registry", awsmiddleware.GetServiceID(ctx), op)}
	}
	return svc, op, nil
}

func (g *Gate) spendBudget(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	svc, op, err := operation(ctx)
	if err != nil {
		return middleware.InitializeOutput{}, middleware.Metadata{}, err
	}
	if !spend(ctx) {
		return middleware.InitializeOutput{}, middleware.Metadata{}, &apperr.Error{Code: apperr.Internal, Service: svc.Name, Message: "internal error",
			Err: fmt.Errorf("%s.%s would exceed the request's upstream budget, its price: the price undercounts", svc.Name, op)}
	}
	return next.HandleInitialize(ctx, in)
}

func (g *Gate) admit(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	svc, op, err := operation(ctx)
	if err != nil {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, err
	}
	key := svc.Name + "." + op
	if l := g.limiters[key]; l != nil {
		waited := time.Now()
		wait, ok := waitTurn(ctx, l)
		g.metrics.RateWait(svc.Name, op, time.Since(waited))
		if !ok {
			if ctx.Err() != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, apperr.New(apperr.RequestTimeout, "%s did not start before the request's deadline", key)
			}
			return middleware.FinalizeOutput{}, middleware.Metadata{}, &apperr.Error{Code: apperr.Throttled, Service: svc.Name, RetryAfter: wait,
				Message: "the gateway's rate limit for " + key + " is exhausted; retry later"}
		}
	}
	slots := g.slots[svc.Name]
	select {
	case slots <- struct{}{}:
		defer func() { <-slots }()
	case <-ctx.Done():
		return middleware.FinalizeOutput{}, middleware.Metadata{}, apperr.New(apperr.RequestTimeout, "%s did not start before the request's deadline", key)
	}
	obs.From(ctx).UpstreamCalls.Add(1)
	start := time.Now()
	out, md, err := next.HandleFinalize(ctx, in)
	g.metrics.AWSCall(svc.Name, op, outcome(err), time.Since(start))
	return out, md, err
}

// outcome classifies an attempt for the metrics: ok, throttled,
// client_error (4xx), server_error (5xx), network_error (no answer).
func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	var api smithy.APIError
	if errors.As(err, &api) && source.IsThrottle(api.ErrorCode()) {
		return "throttled"
	}
	var re *smithyhttp.ResponseError
	switch {
	case !errors.As(err, &re) || re.Response == nil:
		return "network_error"
	case re.Response.StatusCode >= 500:
		return "server_error"
	}
	return "client_error"
}

// waitTurn takes a token from l, waiting up to MaxRateWait for it. When it
// cannot, it returns false and how long the wait would have been.
func waitTurn(ctx context.Context, l *rate.Limiter) (time.Duration, bool) {
	r := l.Reserve()
	d := r.Delay()
	if !r.OK() || d > MaxRateWait {
		r.Cancel()
		return d.Round(time.Second), false
	}
	if d == 0 {
		return 0, true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return 0, true
	case <-ctx.Done():
		r.Cancel()
		return 0, false
	}
}

// budget is a request's allowance of upstream calls.
type budget struct {
	set  atomic.Bool
	left atomic.Int64
}

type budgetKey struct{}

// WithBudget prepares ctx to carry a request's budget, set later by
// SetBudget; until then (and for work outside requests) calls are not
// counted.
func WithBudget(ctx context.Context) context.Context {
	return context.WithValue(ctx, budgetKey{}, &budget{})
}

// SetBudget allows the request of ctx n upstream calls.
func SetBudget(ctx context.Context, n int) {
	if b, ok := ctx.Value(budgetKey{}).(*budget); ok {
		b.left.Store(int64(n))
		b.set.Store(true)
	}
}

// spend takes one call from the budget of ctx; false when none is left.
func spend(ctx context.Context) bool {
	b, ok := ctx.Value(budgetKey{}).(*budget)
	if !ok || !b.set.Load() {
		return true
	}
	return b.left.Add(-1) >= 0
}
