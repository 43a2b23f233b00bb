package upstream

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go/middleware"

	"github.com/execgraph/execgraph/internal/apperr"
	"github.com/execgraph/execgraph/internal/awsemu"
	"github.com/execgraph/execgraph/internal/source"
)

// client is a Step Functions client on the emulator behind a gate.
func client(t *testing.T, g *Gate) (*sfn.Client, *awsemu.Server, string) {
	t.Helper()
	emu, err := awsemu.Start("127.0.0.1:0", awsemu.New(awsemu.Options{Seed: 7}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	cfg := aws.Config{Region: awsemu.DefaultRegion, BaseEndpoint: aws.String(emu.URL), HTTPClient: source.NewHTTPClient(),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", ""), APIOptions: []func(*middleware.Stack) error{g.APIOptions}}
	var exec string
	for _, r := range emu.Manifest().Resources {
		if r.Service == "stepfunctions" && r.Region == awsemu.DefaultRegion && r.Count > 0 {
			exec = r.ID
		}
	}
	return sfn.NewFromConfig(cfg), emu, exec
}

// TestBudget: a request whose budget is spent makes no more AWS calls:
// the next is an internal error (the price undercounted), and AWS never
// sees it.
func TestBudget(t *testing.T) {
	c, emu, exec := client(t, New(Config{Concurrency: 4}))
	ctx := WithBudget(context.Background())
	SetBudget(ctx, 2)
	for i := range 3 {
		_, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: &exec, MaxResults: 1})
		if i < 2 && err != nil {
			t.Fatalf("call %d within the budget: %v", i, err)
		}
		if i == 2 && apperr.CodeOf(err) != apperr.Internal {
			t.Fatalf("call past the budget: %v", err)
		}
	}
	if got := emu.Stats()["stepfunctions.ListMapRuns"]; got != 2 {
		t.Fatalf("AWS saw %d calls, want 2", got)
	}
	// Outside a request (no budget), calls are not counted.
	if _, err := c.ListMapRuns(context.Background(), &sfn.ListMapRunsInput{ExecutionArn: &exec, MaxResults: 1}); err != nil {
		t.Fatal(err)
	}
}

// TestUnregisteredOperationRefused: an SDK call the registry does not
// describe has no bound, so the gate refuses it before AWS sees it.
func TestUnregisteredOperationRefused(t *testing.T) {
	c, emu, _ := client(t, New(Config{Concurrency: 4}))
	_, err := c.ListStateMachines(context.Background(), &sfn.ListStateMachinesInput{})
	if apperr.CodeOf(err) != apperr.Internal || len(emu.Stats()) != 0 {
		t.Fatalf("%v, AWS calls %v", err, emu.Stats())
	}
}
