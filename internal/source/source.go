// Package source is what the gateway knows of AWS: one file per service,
// each a Service value (its operations and quotas, statuses, final-state
// rule, listing, details, global ids) with the code that fetches a page,
// maps SDK types and translates errors; the registry of those values
// (Services); the per-request loaders of detail calls; argument
// constraints and regions. Every error it returns is an apperr error,
// translated from AWS once, in errors.go.
package source

import (
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/imagebuilder"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/transfer"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/obs"
)

// Options configure a Source.
type Options struct {
	// Regions are the regions requests may name.
	Regions Regions
	// CacheSize is how many final details are kept across requests (0:
	// none).
	CacheSize int
	// Now is the clock of the final-state rules and of a prefetched
	// page's life when it is handed over (default time.Now).
	Now func() time.Time
	// Unshared turns sharing off: every field of every item makes its own
	// AWS call and no page is shared. It is the baseline of the loaders'
	// benchmark, never a production setting.
	Unshared bool
	// Metrics records loader batches and the cache of final details (nil:
	// none).
	Metrics *obs.Metrics
	// Prefetch fetches the next upstream page of a walk ahead (see
	// Prefetch).
	Prefetch bool
}

// Source calls AWS through SDK clients, one per service and region, each
// created on first use and reused. Only the regions of its Regions get a
// client, so there are at most five clients a region.
type Source struct {
	cfg   aws.Config // the base configuration; its Region is the default region
	opts  Options
	final *lru.Cache[finalKey, any] // details that never change; nil without a cache
	pre   *prefetcher               // nil without prefetching

	lambda       perRegion[*lambda.Client]
	imagebuilder perRegion[*imagebuilder.Client]
	sfn          perRegion[*sfn.Client]
	iot          perRegion[*iot.Client]
	transfer     perRegion[*transfer.Client]
}

// New returns a Source whose clients use cfg (credentials, endpoint,
// retryer, middleware), each with its own region.
func New(cfg aws.Config, opts Options) *Source {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Source{
		cfg:          cfg,
		opts:         opts,
		lambda:       perRegion[*lambda.Client]{new: func(c aws.Config) *lambda.Client { return lambda.NewFromConfig(c) }},
		imagebuilder: perRegion[*imagebuilder.Client]{new: func(c aws.Config) *imagebuilder.Client { return imagebuilder.NewFromConfig(c) }},
		sfn:          perRegion[*sfn.Client]{new: func(c aws.Config) *sfn.Client { return sfn.NewFromConfig(c) }},
		iot:          perRegion[*iot.Client]{new: func(c aws.Config) *iot.Client { return iot.NewFromConfig(c) }},
		transfer:     perRegion[*transfer.Client]{new: func(c aws.Config) *transfer.Client { return transfer.NewFromConfig(c) }},
	}
	if opts.Prefetch {
		s.pre = newPrefetcher(opts.Metrics, opts.Now)
	}
	if opts.CacheSize > 0 && !opts.Unshared {
		s.final, _ = lru.New[finalKey, any](opts.CacheSize)
	}
	return s
}

// Close stops the prefetches under way.
func (s *Source) Close() {
	if s.pre != nil {
		s.pre.close()
	}
}

// DefaultRegion is the region of listings addressed by name.
func (s *Source) DefaultRegion() string { return s.cfg.Region }

func (s *Source) now() time.Time { return s.opts.Now() }

// regionOf resolves the region of a resource: the region asked for, else
// the region of its ARN (arn: "" for a resource named otherwise), else the
// default. BAD_USER_INPUT when that region is not served, or when the one
// asked for contradicts the ARN's.
func (s *Source) regionOf(asked, arn string) (string, error) {
	fromARN := ARNRegion(arn)
	r := asked
	switch {
	case asked != "" && fromARN != "" && asked != fromARN:
		return "", apperr.New(apperr.BadUserInput, "region %s contradicts the region %s of %s", apperr.Quote(asked), apperr.Quote(fromARN), apperr.Quote(arn))
	case asked == "" && fromARN != "":
		r = fromARN
	case asked == "":
		r = s.cfg.Region
	}
	if err := s.opts.Regions.Check(r); err != nil {
		return "", err
	}
	return r, nil
}

// CheckRegion returns BAD_USER_INPUT for a region that is not served ("" is
// the default region, and fine).
func (s *Source) CheckRegion(r string) error {
	if r == "" {
		return nil
	}
	return s.opts.Regions.Check(r)
}

// ClientCount is how many SDK clients the Source made (for tests).
func (s *Source) ClientCount() int {
	return s.lambda.count() + s.imagebuilder.count() + s.sfn.count() + s.iot.count() + s.transfer.count()
}

// perRegion holds one client per region, created once.
type perRegion[C any] struct {
	mu      sync.Mutex
	clients map[string]C
	new     func(aws.Config) C
}

func (p *perRegion[C]) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.clients)
}

// get returns the client of a region, which regionOf resolved.
func (p *perRegion[C]) get(cfg aws.Config, region string) C {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.clients[region]; ok {
		return c
	}
	if p.clients == nil {
		p.clients = map[string]C{}
	}
	cfg.Region = region
	c := p.new(cfg)
	p.clients[region] = c
	return c
}

// ARNRegion returns the region field of an ARN
// (arn:partition:service:region:account:resource), or "" if s is not one or
// its region is malformed.
func ARNRegion(s string) string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || !regionShape.MatchString(parts[3]) {
		return ""
	}
	return parts[3]
}

// token returns a pointer to a non-empty token, nil for the first page.
func token(t string) *string {
	if t == "" {
		return nil
	}
	return &t
}

// deref returns *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func intp[I int32 | int64](v I) *int {
	i := int(v)
	return &i
}

// intpp maps an optional AWS integer.
func intpp(p *int32) *int {
	if p == nil {
		return nil
	}
	return intp(*p)
}

func int64pp(p *int64) *int {
	if p == nil {
		return nil
	}
	return intp(*p)
}

// nativeOf returns a pointer to a non-empty native status, nil otherwise.
func nativeOf[S ~string](s S) *string {
	if s == "" {
		return nil
	}
	v := string(s)
	return &v
}
