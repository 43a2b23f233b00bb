package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// readyInterval is how often readiness asks STS again who the gateway is.
const readyInterval = 5 * time.Minute

// readiness tracks whether the gateway's AWS credentials resolve: one STS
// GetCallerIdentity at start and every readyInterval. It never blocks
// start-up; until the first answer the gateway is not ready.
type readiness struct {
	once, closed sync.Once
	checked1     chan struct{} // closed once the first check ended

	mu       sync.Mutex
	checked  time.Time
	identity string // the caller's ARN, once it resolved
	err      error
}

// readyReport is what /readyz answers.
type readyReport struct {
	Ready  bool                   `json:"ready"`
	Checks map[string]readyResult `json:"checks"`
}

type readyResult struct {
	OK        bool       `json:"ok"`
	Detail    string     `json:"detail"`
	CheckedAt *time.Time `json:"checkedAt,omitempty"`
}

func (r *readiness) report() readyReport {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := readyResult{OK: r.err == nil && !r.checked.IsZero()}
	switch {
	case r.checked.IsZero():
		res.Detail = "checking the AWS credentials (STS GetCallerIdentity)"
	case r.err != nil:
		res.Detail = "AWS credentials do not resolve: STS GetCallerIdentity failed (see the log)"
		res.CheckedAt = &r.checked
	default:
		// The identity itself goes to the log only: /readyz answers anyone.
		res.Detail = "AWS credentials resolve"
		res.CheckedAt = &r.checked
	}
	return readyReport{Ready: res.OK, Checks: map[string]readyResult{"credentials": res}}
}

// watch checks now and every readyInterval until ctx ends.
func (r *readiness) watch(ctx context.Context, cfg aws.Config) {
	client := sts.NewFromConfig(cfg)
	t := time.NewTicker(readyInterval)
	defer t.Stop()
	for {
		r.check(ctx, client)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// firstCheck returns a channel closed once the first check ended.
func (r *readiness) firstCheck() <-chan struct{} { return r.first() }

func (r *readiness) first() chan struct{} {
	r.once.Do(func() { r.checked1 = make(chan struct{}) })
	return r.checked1
}

func (r *readiness) check(parent context.Context, client *sts.Client) {
	defer r.closed.Do(func() { close(r.first()) })
	ctx, cancel := context.WithTimeout(parent, 30*time.Second)
	defer cancel()
	out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if parent.Err() != nil {
		return // shutting down
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	was := !r.checked.IsZero() && r.err == nil
	r.checked, r.err = time.Now(), err
	if err == nil {
		r.identity = aws.ToString(out.Arn)
	}
	switch {
	case err != nil:
		slog.Warn("not ready: AWS credentials do not resolve (STS GetCallerIdentity failed)", "err", err)
	case !was:
		slog.Info("ready: AWS credentials resolve", "identity", r.identity, "account", aws.ToString(out.Account))
	}
}
