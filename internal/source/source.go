// Package source fetches one upstream page of each AWS listing and maps it to
// the GraphQL model: one file per AWS service. Every error it returns is an
// apperr error, translated from AWS once, in errors.go.
package source

import (
	"regexp"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/imagebuilder"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/transfer"

	"github.com/execgraph/execgraph/internal/apperr"
)

// Source lists executions through SDK clients, one per service and region,
// each created on first use and reused.
type Source struct {
	cfg aws.Config // the base configuration; its Region is the default region

	lambda       perRegion[*lambda.Client]
	imagebuilder perRegion[*imagebuilder.Client]
	sfn          perRegion[*sfn.Client]
	iot          perRegion[*iot.Client]
	transfer     perRegion[*transfer.Client]
}

// New returns a Source whose clients use cfg (credentials, endpoint, retryer),
// each with its own region.
func New(cfg aws.Config) *Source {
	return &Source{
		cfg:          cfg,
		lambda:       perRegion[*lambda.Client]{new: func(c aws.Config) *lambda.Client { return lambda.NewFromConfig(c) }},
		imagebuilder: perRegion[*imagebuilder.Client]{new: func(c aws.Config) *imagebuilder.Client { return imagebuilder.NewFromConfig(c) }},
		sfn:          perRegion[*sfn.Client]{new: func(c aws.Config) *sfn.Client { return sfn.NewFromConfig(c) }},
		iot:          perRegion[*iot.Client]{new: func(c aws.Config) *iot.Client { return iot.NewFromConfig(c) }},
		transfer:     perRegion[*transfer.Client]{new: func(c aws.Config) *transfer.Client { return transfer.NewFromConfig(c) }},
	}
}

// DefaultRegion is the region of listings addressed by name.
func (s *Source) DefaultRegion() string { return s.cfg.Region }

// region returns the region to use: the one given, else the default.
func (s *Source) region(r string) string {
	if r == "" {
		return s.cfg.Region
	}
	return r
}

// perRegion holds one client per region, created once.
type perRegion[C any] struct {
	mu      sync.Mutex
	clients map[string]C
	new     func(aws.Config) C
}

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
	if len(parts) < 6 || parts[0] != "arn" || !regionPattern.MatchString(parts[3]) {
		return ""
	}
	return parts[3]
}

// regionPattern is the form of AWS region names (us-east-1, us-gov-west-1,
// eu-central-2, cn-north-1).
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)

// CheckRegion returns BAD_USER_INPUT for a region that is not of the form of
// AWS region names ("" is the default region, and fine). Regions reach SDK
// clients, one per region, only through it.
func CheckRegion(r string) error {
	if r != "" && !regionPattern.MatchString(r) {
		return apperr.New(apperr.BadUserInput, "region %q is not an AWS region name", r)
	}
	return nil
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
