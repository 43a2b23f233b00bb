package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/execgraph/execgraph/internal/awsemu"
	"github.com/execgraph/execgraph/internal/source"
)

// newRetryer is the SDK's standard retryer with maxAttempts attempts, and
// Image Builder's CallRateLimitExceededException (which the SDK does not
// retry by default) retried as a throttle.
func newRetryer(maxAttempts int) func() aws.Retryer {
	imageBuilderThrottle := map[string]struct{}{"CallRateLimitExceededException": {}}
	return func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = maxAttempts
			o.Retryables = append(o.Retryables, retry.RetryableErrorCode{Codes: imageBuilderThrottle})
			o.Throttles = append(o.Throttles, retry.ThrottleErrorCode{Codes: imageBuilderThrottle})
		})
	}
}

// awsConfig is the real AWS configuration: the SDK's default chain
// (environment, profiles, SSO, IMDS), which also honours AWS_ENDPOINT_URL,
// AWS_ENDPOINT_URL_<SERVICE> and AWS_CA_BUNDLE.
func awsConfig(ctx context.Context, c Config) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(newRetryer(c.AWSMaxAttempts)),
		// A buildable client, so that the SDK can add AWS_CA_BUNDLE's roots.
		config.WithHTTPClient(source.NewBuildableClient(c.Concurrency)),
	}
	if c.Region != "" {
		opts = append(opts, config.WithRegion(c.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, fmt.Errorf("no AWS region: set -region, AWS_REGION or a profile's region")
	}
	cfg.HTTPClient = source.PlainBodies(cfg.HTTPClient)
	return cfg, nil
}

// emulatorConfig points SDK clients at the emulator over HTTP, with dummy
// static credentials (the emulator reads the region from the signature).
func emulatorConfig(c Config, url string) aws.Config {
	region := c.Region
	if region == "" {
		region = awsemu.DefaultRegion
	}
	return aws.Config{
		Region:       region,
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXECGRAPHEMU", "emulator", ""),
		Retryer:      newRetryer(c.AWSMaxAttempts),
		HTTPClient:   source.PlainBodies(source.NewBuildableClient(c.Concurrency)),
	}
}
