package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/imagebuilder"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/transfer"

	"github.com/execgraph/execgraph/internal/awsemu"
)

// listingSpec is one service's listing as the tests see it: the GraphQL
// field, how to address a resource, the key that identifies an item, and
// the SDK's own walk of the same listing for comparison.
type listingSpec struct {
	service string // manifest service name
	op      string // stats key of the list call
	maxPage int
	// query selects `key` per node for a resource given as $id (and $region).
	query string
	// sdkKeys lists the resource's item keys with the real SDK paginator.
	sdkKeys func(ctx context.Context, cfg aws.Config, id string) ([]string, error)
}

const pageSelection = `{ edges { cursor node { key: %s } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }`

var specs = []listingSpec{
	{
		service: "lambda", op: "lambda.ListDurableExecutionsByFunction", maxPage: 1000,
		query: `query($id: String!, $region: String, $first: Int, $after: String) { conn: lambdaDurableExecutions(functionName: $id, region: $region, first: $first, after: $after) ` + fmt.Sprintf(pageSelection, "durableExecutionArn") + `}`,
		sdkKeys: func(ctx context.Context, cfg aws.Config, id string) ([]string, error) {
			p := lambda.NewListDurableExecutionsByFunctionPaginator(lambda.NewFromConfig(cfg), &lambda.ListDurableExecutionsByFunctionInput{FunctionName: &id, MaxItems: 1000})
			var out []string
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				for _, e := range page.DurableExecutions {
					out = append(out, *e.DurableExecutionArn)
				}
			}
			return out, nil
		},
	},
	{
		service: "imagebuilder", op: "imagebuilder.ListWorkflowExecutions", maxPage: 25,
		query: `query($id: String!, $first: Int, $after: String) { conn: imageBuilderWorkflowExecutions(imageBuildVersionArn: $id, first: $first, after: $after) ` + fmt.Sprintf(pageSelection, "workflowExecutionId") + `}`,
		sdkKeys: func(ctx context.Context, cfg aws.Config, id string) ([]string, error) {
			p := imagebuilder.NewListWorkflowExecutionsPaginator(imagebuilder.NewFromConfig(cfg), &imagebuilder.ListWorkflowExecutionsInput{ImageBuildVersionArn: &id, MaxResults: aws.Int32(25)})
			var out []string
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				for _, e := range page.WorkflowExecutions {
					out = append(out, *e.WorkflowExecutionId)
				}
			}
			return out, nil
		},
	},
	{
		service: "stepfunctions", op: "stepfunctions.ListMapRuns", maxPage: 1000,
		query: `query($id: String!, $first: Int, $after: String) { conn: stepFunctionsMapRuns(executionArn: $id, first: $first, after: $after) ` + fmt.Sprintf(pageSelection, "mapRunArn") + `}`,
		sdkKeys: func(ctx context.Context, cfg aws.Config, id string) ([]string, error) {
			p := sfn.NewListMapRunsPaginator(sfn.NewFromConfig(cfg), &sfn.ListMapRunsInput{ExecutionArn: &id, MaxResults: 1000})
			var out []string
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				for _, e := range page.MapRuns {
					out = append(out, *e.MapRunArn)
				}
			}
			return out, nil
		},
	},
	{
		service: "iot", op: "iot.ListJobExecutionsForJob", maxPage: 250,
		query: `query($id: String!, $region: String, $first: Int, $after: String) { conn: iotJobExecutions(jobId: $id, region: $region, first: $first, after: $after) ` + fmt.Sprintf(pageSelection, "thingArn") + `}`,
		sdkKeys: func(ctx context.Context, cfg aws.Config, id string) ([]string, error) {
			p := iot.NewListJobExecutionsForJobPaginator(iot.NewFromConfig(cfg), &iot.ListJobExecutionsForJobInput{JobId: &id, MaxResults: aws.Int32(250)})
			var out []string
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				for _, e := range page.ExecutionSummaries {
					out = append(out, *e.ThingArn)
				}
			}
			return out, nil
		},
	},
	{
		service: "transfer", op: "transfer.ListExecutions", maxPage: 1000,
		query: `query($id: String!, $region: String, $first: Int, $after: String) { conn: transferExecutions(workflowId: $id, region: $region, first: $first, after: $after) ` + fmt.Sprintf(pageSelection, "executionId") + `}`,
		sdkKeys: func(ctx context.Context, cfg aws.Config, id string) ([]string, error) {
			p := transfer.NewListExecutionsPaginator(transfer.NewFromConfig(cfg), &transfer.ListExecutionsInput{WorkflowId: &id, MaxResults: aws.Int32(1000)})
			var out []string
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				for _, e := range page.Executions {
					out = append(out, *e.ExecutionId)
				}
			}
			return out, nil
		},
	},
}

// connPage is one decoded connection page.
type connPage struct {
	Edges []struct {
		Cursor string `json:"cursor"`
		Node   struct {
			Key string `json:"key"`
		} `json:"node"`
	} `json:"edges"`
	PageInfo struct {
		HasNextPage     bool    `json:"hasNextPage"`
		HasPreviousPage bool    `json:"hasPreviousPage"`
		StartCursor     *string `json:"startCursor"`
		EndCursor       *string `json:"endCursor"`
	} `json:"pageInfo"`
}

// page asks for one page; it fails the test on any GraphQL error.
func (s listingSpec) page(t testing.TB, m *Main, r awsemu.Resource, first int, after *string) connPage {
	t.Helper()
	resp := post(t, m, s.query, s.vars(r, first, after))
	if len(resp.Errors) > 0 {
		t.Fatalf("%s %s first=%d: errors %+v", s.service, r.ID, first, resp.Errors)
	}
	var data struct{ Conn *connPage }
	if err := json.Unmarshal(resp.Data, &data); err != nil || data.Conn == nil {
		t.Fatalf("decode %s: %v", resp.Data, err)
	}
	return *data.Conn
}

func (s listingSpec) vars(r awsemu.Resource, first int, after *string) map[string]any {
	v := map[string]any{"id": r.ID, "first": first, "after": after}
	if s.hasRegion() {
		v["region"] = r.Region
	}
	return v
}

func (s listingSpec) hasRegion() bool {
	return slices.Contains([]string{"lambda", "iot", "transfer"}, s.service)
}

// walk pages through a listing and returns its keys and the number of pages.
func (s listingSpec) walk(t testing.TB, m *Main, r awsemu.Resource, first int) (keys []string, pages int) {
	t.Helper()
	var after *string
	for pages = 1; pages <= 10_000; pages++ {
		p := s.page(t, m, r, first, after)
		for _, e := range p.Edges {
			keys = append(keys, e.Node.Key)
		}
		if p.PageInfo.HasPreviousPage {
			t.Fatal("hasPreviousPage is true")
		}
		if n := len(p.Edges); n > 0 && (*p.PageInfo.EndCursor != p.Edges[n-1].Cursor || *p.PageInfo.StartCursor != p.Edges[0].Cursor) {
			t.Fatal("startCursor/endCursor are not the first/last edge's cursors")
		}
		if !p.PageInfo.HasNextPage {
			return keys, pages
		}
		if len(p.Edges) < first {
			t.Fatalf("short page (%d of %d) with hasNextPage", len(p.Edges), first)
		}
		after = p.PageInfo.EndCursor
	}
	t.Fatal("walk did not end")
	return nil, 0
}

// minimalCalls is the number of list calls a walk of n items at page size
// first must cost (the README's Paging section): every relay page starts on an upstream
// boundary, so it fetches upstream pages of min(first, maxPage), then the
// rest of first; a walk's last page stops at the listing's end.
func minimalCalls(n, first, maxPage int) int {
	if n == 0 {
		return 1
	}
	calls := 0
	for done := 0; done < n; {
		want := min(first, n-done)
		for got := 0; got < want; {
			got += min(first-got, maxPage)
			calls++
		}
		done += want
	}
	return calls
}

func sdkKeysOf(t testing.TB, m *Main, s listingSpec, r awsemu.Resource) []string {
	t.Helper()
	cfg := m.AWS.Copy()
	cfg.Region = r.Region
	keys, err := s.sdkKeys(context.Background(), cfg, r.ID)
	if err != nil {
		t.Fatalf("SDK listing of %s: %v", r.ID, err)
	}
	if len(keys) != r.Count {
		t.Fatalf("SDK lists %d items of %s, the manifest says %d", len(keys), r.ID, r.Count)
	}
	return keys
}

// TestWalksEqualTheSDK walks every seeded resource of every service at first
// 1, 7, 100 and 1000, and checks each walk against the SDK's own listing and
// the upstream calls against the minimum.
func TestWalksEqualTheSDK(t *testing.T) {
	for _, s := range specs {
		t.Run(s.service, func(t *testing.T) {
			t.Parallel()
			m := startGateway(t)
			for _, r := range resourcesOf(t, m, s.service) {
				want := sdkKeysOf(t, m, s, r)
				for _, first := range []int{1, 7, 100, 1000} {
					t.Run(fmt.Sprintf("%s/%s/first=%d", r.Region, shortID(r.ID), first), func(t *testing.T) {
						m.Emulator.ResetStats()
						got, _ := s.walk(t, m, r, first)
						if !slices.Equal(got, want) {
							t.Fatalf("walk yields %d items, the SDK %d (first difference at %d)", len(got), len(want), firstDiff(got, want))
						}
						if calls, min := listCalls(m, s.op), minimalCalls(len(want), first, s.maxPage); calls != int64(min) {
							t.Errorf("%d list calls, want the minimum %d", calls, min)
						}
					})
				}
			}
		})
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestResumeAfterRandomEdges resumes after random edges, most of them inside
// upstream pages, and checks that the next page continues exactly and costs
// at most one list call more than a page that starts on a boundary.
func TestResumeAfterRandomEdges(t *testing.T) {
	for _, s := range specs {
		t.Run(s.service, func(t *testing.T) {
			t.Parallel()
			m := startGateway(t)
			rnd := rand.New(rand.NewPCG(1, 2))
			for _, r := range resourcesOf(t, m, s.service) {
				if r.Count < 2 {
					continue
				}
				want := sdkKeysOf(t, m, s, r)
				// Cursors of every edge of a walk at first 7 (upstream pages of 7).
				var cursors []string
				var after *string
				for {
					p := s.page(t, m, r, 7, after)
					for _, e := range p.Edges {
						cursors = append(cursors, e.Cursor)
					}
					if !p.PageInfo.HasNextPage {
						break
					}
					after = p.PageInfo.EndCursor
				}
				for range 12 {
					i := rnd.IntN(len(cursors))
					first := 1 + rnd.IntN(min(2*s.maxPage, 1000))
					m.Emulator.ResetStats()
					p := s.page(t, m, r, first, &cursors[i])
					var got []string
					for _, e := range p.Edges {
						got = append(got, e.Node.Key)
					}
					wantPage := want[i+1 : min(i+1+first, len(want))]
					if !slices.Equal(got, wantPage) {
						t.Fatalf("%s after edge %d, first %d: got %d items, want %d (first difference at %d)", r.ID, i, first, len(got), len(wantPage), firstDiff(got, wantPage))
					}
					if p.PageInfo.HasNextPage != (i+1+first < len(want)) {
						t.Errorf("%s after edge %d, first %d: hasNextPage %v", r.ID, i, first, p.PageInfo.HasNextPage)
					}
					if calls, limit := listCalls(m, s.op), int64((first+s.maxPage-1)/s.maxPage+1); calls > limit {
						t.Errorf("%s after edge %d, first %d: %d list calls, want at most %d", r.ID, i, first, calls, limit)
					}
				}
			}
		})
	}
}
