package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/execgraph/execgraph/internal/awsemu"
)

// expectSeries checks the scraped series against the values a test wrote.
// A series must be there, but for a labelled counter expected at 0 (a
// label set never used has no series); one without labels always is.
func expectSeries(t *testing.T, got, want map[string]float64) {
	t.Helper()
	for key, w := range want {
		v, ok := got[key]
		switch {
		case !ok && (w != 0 || strings.HasSuffix(key, "{}")):
			t.Errorf("%s is not exported", key)
		case v != w:
			t.Errorf("%s = %v, want %v", key, v, w)
		}
	}
}

// scrape reads /metrics at url and returns the value of each sample, keyed
// "name{label=value,...}" with the labels sorted.
func scrape(t testing.TB, url string, header map[string]string) map[string]float64 {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for name, f := range families {
		for _, m := range f.Metric {
			var labels []string
			for _, l := range m.Label {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			slices.Sort(labels)
			key := name + "{" + strings.Join(labels, ",") + "}"
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				out[key] = m.Counter.GetValue()
			case dto.MetricType_GAUGE:
				out[key] = m.Gauge.GetValue()
			case dto.MetricType_HISTOGRAM:
				out[key+"count"] = float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return out
}

// TestMetrics: the fixed metric names count what happened, checked against
// the emulator's own count of the calls it received.
func TestMetrics(t *testing.T) {
	m := startGateway(t, func(c *Config) { c.AWSMaxAttempts = 3 })
	big := largest(t, m, "stepfunctions")
	q := `query Runs($id: String!) { stepFunctionsMapRuns(executionArn: $id, first: 5) { nodes { status } } }`
	if resp := post(t, m, q, map[string]any{"id": big.ID}); len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	post(t, m, q, map[string]any{"id": big.ID}) // the describes of final map runs are kept
	if err := m.Emulator.SetFaults(awsemu.Faults{ThrottleRate: 1, Operations: []string{"transfer.ListExecutions"}}); err != nil {
		t.Fatal(err)
	}
	resp := post(t, m, `query Stuck { transferExecutions(workflowId: "`+largest(t, m, "transfer").ID+`") { nodes { id } } }`, nil)
	if codes := errorCodes(resp); !slices.Equal(codes, []string{"THROTTLED"}) {
		t.Fatalf("codes %v", codes)
	}
	post(t, m, "{ nope }", nil)
	got := scrape(t, m.URL+"/metrics", nil)
	calls := m.Emulator.Stats()
	finals := 0
	client := sfn.NewFromConfig(m.AWS)
	runs, err := client.ListMapRuns(context.Background(), &sfn.ListMapRunsInput{ExecutionArn: &big.ID, MaxResults: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs.MapRuns {
		d, err := client.DescribeMapRun(context.Background(), &sfn.DescribeMapRunInput{MapRunArn: r.MapRunArn})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == "SUCCEEDED" || d.StopDate != nil && time.Since(*d.StopDate) > 14*24*time.Hour {
			finals++
		}
	}
	expectSeries(t, got, map[string]float64{
		"execgraph_graphql_requests_total{operation=Runs,outcome=ok}":       2,
		"execgraph_graphql_requests_total{operation=Stuck,outcome=error}":   1,
		"execgraph_graphql_requests_total{operation=none,outcome=rejected}": 1,
		"execgraph_graphql_request_duration_seconds{operation=Runs}count":   2,
		"execgraph_graphql_errors_total{code=THROTTLED}":                    1,
		"execgraph_graphql_errors_total{code=GRAPHQL_VALIDATION_FAILED}":    1,
		"execgraph_graphql_requests_in_flight{}":                            0,
		// One per attempt: three attempts of the throttled call, as the
		// emulator counted them.
		"execgraph_aws_calls_total{operation=ListExecutions,outcome=throttled,service=transfer}": float64(calls["transfer.ListExecutions"]),
		"execgraph_aws_calls_total{operation=ListMapRuns,outcome=ok,service=stepfunctions}":      float64(calls["stepfunctions.ListMapRuns"]),
		"execgraph_aws_calls_total{operation=DescribeMapRun,outcome=ok,service=stepfunctions}":   float64(calls["stepfunctions.DescribeMapRun"]),
		"execgraph_aws_call_duration_seconds{operation=ListMapRuns,service=stepfunctions}count":  float64(calls["stepfunctions.ListMapRuns"]),
		"execgraph_loader_batch_size{operation=DescribeMapRun,service=stepfunctions}count":       2,
		// The second request finds the final map runs (their status, per
		// the SDK's own DescribeMapRun, succeeded) kept; the others miss
		// twice.
		"execgraph_detail_cache_total{operation=DescribeMapRun,result=hit,service=stepfunctions}":  float64(finals),
		"execgraph_detail_cache_total{operation=DescribeMapRun,result=miss,service=stepfunctions}": float64(5 + 5 - finals),
	})
	if calls["transfer.ListExecutions"] != 3 {
		t.Errorf("the emulator saw %d throttled attempts, want 3", calls["transfer.ListExecutions"])
	}
}

// TestMetricsAddrAndAuth: /metrics on -addr needs the same credentials as
// /graphql; on -metrics-addr it needs none (and -addr has no /metrics).
func TestMetricsAddrAndAuth(t *testing.T) {
	const key = "metrics-scraper-key-0123456789"
	file := t.TempDir() + "/keys"
	writeFile(t, file, key+" prometheus\n")
	authed := startGateway(t, func(c *Config) { c.Auth, c.APIKeysFile = "api-key", file })
	if r := request(t, authed, http.MethodGet, "/metrics", nil, ""); r.status != 401 {
		t.Errorf("/metrics without a key: %d", r.status)
	}
	if got := scrape(t, authed.URL+"/metrics", map[string]string{"X-Api-Key": key}); len(got) == 0 {
		t.Error("no metrics with a key")
	}
	apart := startGateway(t, func(c *Config) { c.MetricsAddr = "127.0.0.1:0" })
	if got := scrape(t, apart.MetricsURL+"/metrics", nil); len(got) == 0 {
		t.Error("no metrics on -metrics-addr")
	}
	if r := request(t, apart, http.MethodGet, "/metrics", nil, ""); r.status != 404 {
		t.Errorf("/metrics on -addr with -metrics-addr set: %d", r.status)
	}
}

// TestOperationLabelBounded: the operation label is the name of an
// operation that ran (a GraphQL name of a valid document): past 100
// distinct names it is "other". Requests that did not run are "none",
// whatever operationName they sent, so they take no name's place; and a
// name cut in the middle of a character breaks neither the response nor
// the request's log line.
func TestOperationLabelBounded(t *testing.T) {
	logs := captureLogs(t)
	m := startGateway(t)
	for i := range 100 {
		body, _ := json.Marshal(map[string]any{"query": "{ __typename }", "operationName": fmt.Sprintf("junk %d \" } {", i)})
		request(t, m, http.MethodPost, "/graphql", nil, string(body))
	}
	cut := strings.Repeat("a", 99) + "é" // its 100-byte clip ends inside é
	body, _ := json.Marshal(map[string]any{"query": "{ __typename }", "operationName": cut})
	if r := request(t, m, http.MethodPost, "/graphql", map[string]string{"X-Request-Id": "cut-name"}, string(body)); r.status != 200 || firstCode(t, r.body) != "GRAPHQL_VALIDATION_FAILED" {
		t.Fatalf("a name cut inside a character: %d %s", r.status, r.body)
	}
	for i := range 105 {
		post(t, m, fmt.Sprintf("query Q%d { __typename }", i), nil)
	}
	got := scrape(t, m.URL+"/metrics", nil)
	expectSeries(t, got, map[string]float64{
		"execgraph_graphql_requests_total{operation=Q0,outcome=ok}":         1,
		"execgraph_graphql_requests_total{operation=Q99,outcome=ok}":        1,
		"execgraph_graphql_requests_total{operation=other,outcome=ok}":      5,
		"execgraph_graphql_requests_total{operation=none,outcome=rejected}": 101,
	})
	// Cut before the é, not through it (the JSON handler would show a
	// cut through it as \ufffd).
	if line := logLine(t, logs.String(), "cut-name"); !utf8.ValidString(line) || !strings.Contains(line, `"operation":"`+strings.Repeat("a", 99)+`"`) {
		t.Errorf("log line of the request with a cut name: %q", line)
	}
}

// logLine returns the log line that holds id.
func logLine(t *testing.T, logs, id string) string {
	t.Helper()
	for line := range strings.Lines(logs) {
		if strings.Contains(line, id) {
			return line
		}
	}
	t.Fatalf("no log line holds %s", id)
	return ""
}

// TestRefusalsCounted: requests refused before the GraphQL layer (no
// credential, a cross-site browser request, a rebound Host name) count as
// rejected GraphQL requests with their codes.
func TestRefusalsCounted(t *testing.T) {
	const key = "metrics-scraper-key-0123456789"
	file := t.TempDir() + "/keys"
	writeFile(t, file, key+" prometheus\n")
	m := startGateway(t, func(c *Config) {
		c.Auth, c.APIKeysFile, c.CORSOrigins = "api-key", file, []string{"https://app.example"}
	})
	for _, tc := range []struct {
		header map[string]string
		status int
	}{
		{nil, 401},
		{map[string]string{"X-Api-Key": key, "Sec-Fetch-Site": "cross-site"}, 403},
		{map[string]string{"X-Api-Key": key, "Host": "rebound.attacker.example"}, 421},
	} {
		if r := request(t, m, http.MethodPost, "/graphql", tc.header, typenameQuery); r.status != tc.status {
			t.Fatalf("%v: status %d, want %d", tc.header, r.status, tc.status)
		}
	}
	// A CORS preflight is not a GraphQL request; an OPTIONS that is no
	// preflight is one, refused.
	if r := request(t, m, http.MethodOptions, "/graphql", map[string]string{"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}, ""); r.status/100 != 2 {
		t.Fatalf("CORS preflight: status %d", r.status)
	}
	if r := request(t, m, http.MethodOptions, "/graphql", nil, ""); r.status != 401 {
		t.Fatalf("OPTIONS without credentials: status %d", r.status)
	}
	got := scrape(t, m.URL+"/metrics", map[string]string{"X-Api-Key": key})
	expectSeries(t, got, map[string]float64{
		"execgraph_graphql_requests_total{operation=none,outcome=rejected}": 4,
		"execgraph_graphql_errors_total{code=UNAUTHENTICATED}":              2,
		"execgraph_graphql_errors_total{code=CROSS_SITE_REQUEST}":           1,
		"execgraph_graphql_errors_total{code=HOST_NOT_ALLOWED}":             1,
		"execgraph_graphql_requests_in_flight{}":                            0,
	})
}

// TestTracing: one trace holds the HTTP request, the GraphQL operation,
// the resolvers that call AWS, and every AWS call each made, in that
// tree; no span records the variables.
func TestTracing(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	m := startGatewayWith(t, func(m *Main) { m.tracer = tp })
	big := largest(t, m, "stepfunctions")
	resp := post(t, m, `query Runs($id: String!) { stepFunctionsMapRuns(executionArn: $id, first: 3) { nodes { status } } }`, map[string]any{"id": big.ID})
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	if err := tp.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := rec.Ended()
	byID := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byID[s.SpanContext().SpanID().String()] = s
	}
	parentName := func(s sdktrace.ReadOnlySpan) string {
		if p, ok := byID[s.Parent().SpanID().String()]; ok {
			return p.Name()
		}
		return ""
	}
	// Walk up from each AWS span to the HTTP span: one tree.
	var awsSpans []string
	for _, s := range spans {
		if !strings.HasPrefix(s.Name(), "SFN.") {
			continue
		}
		awsSpans = append(awsSpans, s.Name())
		chain := []string{s.Name()}
		for cur := s; parentName(cur) != ""; cur = byID[cur.Parent().SpanID().String()] {
			chain = append(chain, parentName(cur))
		}
		if !strings.HasSuffix(chain[len(chain)-1], "/graphql") || len(chain) < 4 {
			t.Errorf("AWS span's ancestry %v does not reach the HTTP span through the operation and a resolver", chain)
		}
		if s.SpanContext().TraceID() != spans[0].SpanContext().TraceID() {
			t.Errorf("%s in another trace", s.Name())
		}
	}
	slices.Sort(awsSpans)
	if !slices.Equal(slices.Compact(awsSpans), []string{"SFN.DescribeMapRun", "SFN.ListMapRuns"}) {
		t.Errorf("AWS spans %v", awsSpans)
	}
	for _, s := range spans {
		for _, a := range s.Attributes() {
			if strings.Contains(a.Value.String(), big.ID) && a.Key != attribute.Key("aws.request.id") {
				t.Errorf("span %s records the variables (%s)", s.Name(), a.Key)
			}
		}
	}

	// Literals in the query text: a cursor, an ARN, a 900 kB string. No
	// span holds any of them, and all attributes together stay small.
	rec2 := tracetest.NewSpanRecorder()
	tp2 := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec2))
	m2 := startGatewayWith(t, func(m *Main) { m.tracer = tp2 })
	first := specOf("stepfunctions").page(t, m2, big, 2, nil)
	cursor := *first.PageInfo.EndCursor
	huge := strings.Repeat("x", 900_000)
	post(t, m2, fmt.Sprintf(`{ stepFunctionsMapRuns(executionArn: %q, first: 2, after: %q) { nodes { mapRunArn } } }`, big.ID, cursor), nil)
	post(t, m2, `{ lambdaDurableExecutions(functionName: "`+huge+`") { nodes { id } } }`, nil)
	// A long operation name (the operation span's name) and errors whose
	// messages quote the client (the status, the recorded error).
	longName := strings.Repeat("N", 50_000)
	aliased := ""
	for i := range 20 {
		aliased += fmt.Sprintf(` a%d: lambdaDurableExecutions(functionName: "%s%d") { nodes { id } }`, i, huge[:300], i)
	}
	post(t, m2, `query `+longName+` {`+aliased+` }`, nil)
	// A long alias of a resolver that calls AWS (otelgqlgen records the
	// alias and the path): cut to maxSpanText.
	post(t, m2, fmt.Sprintf(`{ %s: stepFunctionsMapRuns(executionArn: %q, first: 1) { nodes { id } } }`, strings.Repeat("L", 2000), big.ID), nil)
	// Errors whose messages quote what the client asked for: an execution
	// that does not exist (the gateway's NOT_FOUND) and a function AWS
	// does not know (AWS's own message, on the AWS call's span).
	const secret = "SECRETMARKER"
	for _, q := range []string{
		`{ stepFunctionsMapRuns(executionArn: "arn:aws:states:us-east-1:123456789012:execution:nope:` + secret + `1", first: 1) { nodes { id } } }`,
		`{ lambdaDurableExecutions(functionName: "` + secret + `2") { nodes { id } } }`,
	} {
		if codes := errorCodes(post(t, m2, q, nil)); !slices.Equal(codes, []string{"NOT_FOUND"}) {
			t.Fatalf("%s: codes %v, want [NOT_FOUND]", q, codes)
		}
	}
	// The HTTP span carries the request id, which leads to the log line,
	// and not the headers a client chose.
	if r := request(t, m2, http.MethodPost, "/graphql", map[string]string{"X-Request-Id": "trace-request-1",
		"User-Agent": secret + strings.Repeat("u", 5000), "X-Forwarded-For": secret + "-xff"}, typenameQuery); r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	if err := tp2.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	total, named, requestID, failed := 0, false, false, false
	for _, s := range rec2.Ended() {
		failed = failed || s.Status().Code == codes.Error && slices.ContainsFunc(s.Events(), func(e sdktrace.Event) bool {
			return e.Name == "exception" && slices.ContainsFunc(e.Attributes, func(a attribute.KeyValue) bool { return a.Key == "exception.type" })
		})
		named = named || strings.HasPrefix(s.Name(), longName[:maxSpanName])
		requestID = requestID || slices.Contains(s.Attributes(), attribute.String("execgraph.request_id", "trace-request-1"))
		texts := map[string]string{"name": s.Name(), "status": s.Status().Description}
		for _, a := range s.Attributes() {
			texts["attribute "+string(a.Key)] = a.Value.String()
			switch a.Key { // the client's words, whatever their value
			case "gql.request.query", "user_agent.original", "http.request.method_original", "client.address", "server.address":
				t.Errorf("span %.40s records %s", s.Name(), a.Key)
			}
		}
		for _, e := range s.Events() {
			for _, a := range e.Attributes {
				texts["event "+e.Name+" "+string(a.Key)] = a.Value.String()
			}
		}
		for what, v := range texts {
			total += len(v)
			if what != "attribute aws.request.id" && (strings.Contains(v, cursor) || strings.Contains(v, big.ID) || strings.Contains(v, huge[:1000]) || strings.Contains(v, secret)) {
				t.Errorf("span %.40s: %s holds the client's literal text", s.Name(), what)
			}
			if limit := map[bool]int{true: maxSpanName, false: maxSpanText}[what == "name"]; len(v) > limit {
				t.Errorf("span %.40s: %s holds %d bytes, over %d", s.Name(), what, len(v), limit)
			}
		}
	}
	if !named {
		t.Error("no span is named after the operation")
	}
	if !requestID {
		t.Error("no span carries the request id")
	}
	if !failed {
		t.Error("no span of a failed request has an error status and an exception event")
	}
	if total > 64<<10 {
		t.Errorf("the requests put %d bytes into spans", total)
	}
}

// TestRequestLog: one line per request with its id (echoed in
// X-Request-Id), caller, operation, duration, upstream calls and error
// codes; never the query, the variables or a cursor.
func TestRequestLog(t *testing.T) {
	logs := captureLogs(t)
	m := startGateway(t)
	big := largest(t, m, "stepfunctions")
	page := specOf("stepfunctions").page(t, m, big, 2, nil)
	m.Emulator.ResetStats()
	body := `{"query":"query Walk($id: String!, $after: String) { stepFunctionsMapRuns(executionArn: $id, first: 2, after: $after) { nodes { id } } }","variables":{"id":"` + big.ID + `","after":"` + *page.PageInfo.EndCursor + `"}}`
	r := request(t, m, http.MethodPost, "/graphql", map[string]string{"X-Request-Id": "req-42"}, body)
	if r.header.Get("X-Request-Id") != "req-42" {
		t.Errorf("X-Request-Id %q", r.header.Get("X-Request-Id"))
	}
	var line string
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, `"requestId":"req-42"`) && strings.Contains(l, `"msg":"request"`) {
			line = l
		}
	}
	for _, want := range []string{`"operation":"Walk"`, `"identity":"none:anonymous"`, `"upstreamCalls":1`, `"status":200`, `"duration":`} {
		if !strings.Contains(line, want) {
			t.Errorf("log line %s lacks %s", line, want)
		}
	}
	for _, secret := range []string{big.ID, *page.PageInfo.EndCursor, "stepFunctionsMapRuns"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds %.40s", secret)
		}
	}
}

// TestPprof: the profiler is off unless -pprof-addr serves it, and it
// answers loopback names only: a page whose DNS name was rebound to the
// loopback address reads no profile (nor the command line, which may hold
// -cursor-key); the same for -metrics-addr on a loopback address.
func TestPprof(t *testing.T) {
	off := startGateway(t)
	if r := request(t, off, http.MethodGet, "/debug/pprof/", nil, ""); r.status != 404 {
		t.Errorf("profiler on -addr: %d", r.status)
	}
	on := startGateway(t, func(c *Config) { c.PprofAddr = "127.0.0.1:0" })
	var url string
	for _, ln := range on.listeners[1:] {
		url = "http://" + ln.Addr().String()
	}
	resp, err := http.Get(url + "/debug/pprof/goroutine?debug=1")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	resp.Body.Close()

	both := startGateway(t, func(c *Config) { c.PprofAddr, c.MetricsAddr = "127.0.0.1:0", "127.0.0.1:0" })
	for _, ln := range both.listeners[1:] {
		for _, path := range []string{"/debug/pprof/cmdline", "/metrics"} {
			for host, want := range map[string][]int{"rebound.attacker.example": {421}, "localhost": {200, 404}} {
				req, _ := http.NewRequest(http.MethodGet, "http://"+ln.Addr().String()+path, nil)
				req.Host = host
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if !slices.Contains(want, resp.StatusCode) {
					t.Errorf("%s%s with Host %s: %d, want one of %v", ln.Addr(), path, host, resp.StatusCode, want)
				}
			}
		}
	}
}
