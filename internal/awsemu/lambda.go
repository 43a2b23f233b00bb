package awsemu

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Lambda durable functions (REST-JSON, API version 2025-12-01):
//
//	GET /2025-12-01/functions/{FunctionName}/durable-executions   ListDurableExecutionsByFunction
//	GET /2025-12-01/durable-executions/{DurableExecutionArn}      GetDurableExecution
//
// Order: the Lambda models disagree on ListDurableExecutionsByFunction's
// default order, so the emulator offers both readings (Options.LambdaOrder):
//
//   - LambdaNewestFirst (the default): NEWEST first (StartTimestamp
//     descending, ties by execution id descending); ReverseOrder=true lists
//     oldest first; without a Qualifier every version's executions are
//     listed. This follows the Lambda model of aws-sdk-go-v2 service/lambda
//     v1.114.2 and the current API reference ("Set to true to return results
//     in chronological order (oldest first). Default is false.").
//   - LambdaOldestFirst: OLDEST first, ReverseOrder=true newest first, and
//     without a Qualifier only the executions of $LATEST, as the service's
//     seed documentation (older model revisions) read.
//
// Both are decided in one place, parseDurableListRequest.

// LambdaOrder is a reading of ListDurableExecutionsByFunction's default
// order and of an absent Qualifier. The zero value is LambdaNewestFirst.
type LambdaOrder string

const (
	// LambdaNewestFirst lists newest first by default and every version
	// without a Qualifier.
	LambdaNewestFirst LambdaOrder = "newest-first"
	// LambdaOldestFirst lists oldest first by default and only $LATEST
	// without a Qualifier.
	LambdaOldestFirst LambdaOrder = "oldest-first"
)

// ParseLambdaOrder returns the LambdaOrder named s: "newest-first" (or "",
// the default) or "oldest-first". Any other value is an error that names
// the valid ones, for a command-line flag.
func ParseLambdaOrder(s string) (LambdaOrder, error) {
	switch LambdaOrder(s) {
	case "", LambdaNewestFirst:
		return LambdaNewestFirst, nil
	case LambdaOldestFirst:
		return LambdaOldestFirst, nil
	}
	return "", fmt.Errorf("lambda order %q is neither %q nor %q", s, LambdaNewestFirst, LambdaOldestFirst)
}

// String returns the order's name; the zero value is "newest-first".
func (o LambdaOrder) String() string {
	if o == "" {
		return string(LambdaNewestFirst)
	}
	return string(o)
}

// Set parses s with ParseLambdaOrder, so that *LambdaOrder is a flag.Value.
func (o *LambdaOrder) Set(s string) error {
	v, err := ParseLambdaOrder(s)
	if err != nil {
		return err
	}
	*o = v
	return nil
}

// lambdaSpec is Lambda durable functions: throttling is
// TooManyRequestsException 429 with Retry-After, a server fault
// ServiceException 500.
var lambdaSpec = &serviceSpec{
	service: service{
		name:        "lambda",
		proto:       restJSON,
		throttle:    apiError{Status: 429, Code: "TooManyRequestsException", RetryAfter: 1},
		serverError: apiError{Status: 500, Code: "ServiceException"},
		// Go's ServeMux matches the escaped path segment by segment, so the
		// escaped ARN label (':' '/' '$' percent-encoded by the SDK) stays one
		// segment and PathValue returns it unescaped.
		ops: []operation{
			{"ListDurableExecutionsByFunction", "GET /2025-12-01/functions/{FunctionName}/durable-executions", listDurableExecutions},
			{"GetDurableExecution", "GET /2025-12-01/durable-executions/{DurableExecutionArn}", getDurableExecution},
		},
	},
	stream:   1,
	data:     seededBy(seedLambda),
	list:     listing{op: "ListDurableExecutionsByFunction", arg: "FunctionName"},
	statuses: lambdaStatuses,
	active:   []string{"RUNNING"},
}

var (
	lambdaInvalidParam = apiError{Status: 400, Code: "InvalidParameterValueException"}
	lambdaNotFound     = apiError{Status: 404, Code: "ResourceNotFoundException"}
)

// lambdaPages are the page sizes (MaxItems) of ListDurableExecutionsByFunction.
var lambdaPages = pageSizes{min: 1, max: 1000, def: 100}

// lambdaMaxStatuses is the model's ExecutionStatusList max length.
const lambdaMaxStatuses = 10

// lambdaStatuses are the ExecutionStatus enum values.
var lambdaStatuses = []string{"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED"}

var (
	// lambdaFunctionRefRE is a FunctionName: a name, a partial ARN
	// (123456789012:function:name) or a full ARN, each optionally qualified
	// (:version or :alias). Groups: region, account, name, qualifier.
	lambdaFunctionRefRE = regexp.MustCompile(`^(?:arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?(?:(\d{12}):function:)?([a-zA-Z0-9_.-]+)(?::(\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9_-]+))?$`)
	// lambdaQualifierRE is the model's NumericLatestPublishedOrAliasQualifier.
	lambdaQualifierRE = regexp.MustCompile(`^(?:\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9_$-]{1,128})$`)
	// lambdaExecutionNameRE is the model's DurableExecutionName.
	lambdaExecutionNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)
	// lambdaExecutionArnRE is the model's DurableExecutionArn.
	lambdaExecutionArnRE = regexp.MustCompile(`^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:function:[a-zA-Z0-9_-]+:(?:\$LATEST(?:\.PUBLISHED)?|[0-9]+)/durable-execution/[a-zA-Z0-9_-]+/[a-zA-Z0-9_-]+$`)
)

// lambdaData is one region's durable functions and their executions.
// Its catalog files the functions by name and their executions by durable
// execution ARN.
type lambdaData struct {
	catalog[*durableFunction, *durableExecution]
}

// durableFunction is a Lambda function with durable execution enabled.
type durableFunction struct {
	name, arn string            // arn is unqualified
	aliases   map[string]string // alias -> version
	versions  map[string]bool   // "$LATEST" and the published versions
	config    durableConfig
	execs     []*durableExecution // oldest first: by start, then id
}

// durableExecution is one execution of a durable function.
type durableExecution struct {
	fn            *durableFunction
	arn, name, id string
	version       string // "$LATEST", "1", "2"
	status        string
	start, end    time.Time // end is zero while RUNNING
	input, result string    // result only when SUCCEEDED
	err           *lambdaErrorObject
	traceID       string
}

func (fn *durableFunction) key() string                 { return fn.name }
func (fn *durableFunction) listed() []*durableExecution { return fn.execs }
func (x *durableExecution) key() string                 { return x.arn }
func (x *durableExecution) resourceKey() string         { return x.fn.name }

// functionArn is the qualified ARN of the version that ran the execution.
func (x *durableExecution) functionArn() string { return x.fn.arn + ":" + x.version }

// durableCmp compares executions in the order of durableFunction.execs:
// oldest first, ties by execution id.
func durableCmp(x, y *durableExecution) int { return oldestFirst(x.start, y.start, x.id, y.id) }

// durableConfig is the wire DurableConfig.
type durableConfig struct {
	ExecutionTimeout      int32  `json:"ExecutionTimeout"`
	RetentionPeriodInDays int32  `json:"RetentionPeriodInDays"`
	KMSKeyArn             string `json:"KMSKeyArn,omitempty"`
}

// lambdaErrorObject is the wire ErrorObject.
type lambdaErrorObject struct {
	ErrorType    string   `json:"ErrorType"`
	ErrorMessage string   `json:"ErrorMessage"`
	ErrorData    string   `json:"ErrorData,omitempty"`
	StackTrace   []string `json:"StackTrace,omitempty"`
}

// durableFunctionSpec is what seedLambda creates.
type durableFunctionSpec struct {
	name    string
	count   int
	timeout int32
	kms     bool
}

// seedLambda creates a region's durable functions. Primary region:
// nightly-report (no executions), refund-processor (smallCount) and
// order-pipeline (2,600-2,800). Second region: eu-refund-processor
// (smallCount) and eu-order-pipeline (30-120). Every function has versions
// "$LATEST", "1", "2" and the alias "live" -> "2".
func seedLambda(r *rand.Rand, region string, primary bool) *lambdaData {
	var specs []durableFunctionSpec
	if primary {
		specs = []durableFunctionSpec{
			{name: "nightly-report", count: 0, timeout: 3600},
			{name: "refund-processor", count: smallCount(r), timeout: 7200, kms: true},
			{name: "order-pipeline", count: 2600 + r.IntN(201), timeout: 3600},
		}
	} else {
		specs = []durableFunctionSpec{
			{name: "eu-refund-processor", count: smallCount(r), timeout: 7200, kms: true},
			{name: "eu-order-pipeline", count: 30 + r.IntN(91), timeout: 3600},
		}
	}
	d := &lambdaData{}
	for _, s := range specs {
		d.add(seedDurableFunction(r, region, s))
	}
	return d
}

func seedDurableFunction(r *rand.Rand, region string, s durableFunctionSpec) *durableFunction {
	fn := &durableFunction{
		name:     s.name,
		arn:      fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", region, AccountID, s.name),
		aliases:  map[string]string{"live": "2"},
		versions: map[string]bool{"$LATEST": true, "1": true, "2": true},
		config:   durableConfig{ExecutionTimeout: s.timeout, RetentionPeriodInDays: 14},
	}
	if s.kms {
		fn.config.KMSKeyArn = fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", region, AccountID, uuid(r))
	}
	for i, start := range startTimes(r, s.count) {
		fn.execs = append(fn.execs, seedDurableExecution(r, fn, i, s.count, start))
	}
	slices.SortStableFunc(fn.execs, durableCmp)
	return fn
}

// seedDurableExecution creates the i-th (oldest first) of n executions. The
// older 40% ran mostly on version 1, the rest mostly on version 2 (live);
// some ran on $LATEST. Only executions of the last hour may be RUNNING.
func seedDurableExecution(r *rand.Rand, fn *durableFunction, i, n int, start time.Time) *durableExecution {
	version := pick(r, []weighted[string]{{"2", 80}, {"$LATEST", 20}})
	if i < n*2/5 {
		version = pick(r, []weighted[string]{{"1", 85}, {"$LATEST", 15}})
	}
	prefix := pick(r, []weighted[string]{{"order", 70}, {"refund", 20}, {"replay", 10}})
	x := &durableExecution{
		fn:      fn,
		id:      uuid(r),
		name:    fmt.Sprintf("%s-%d-%s", prefix, i+1, hexID(r, 8)),
		version: version,
		start:   start,
		traceID: fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=1", start.Unix(), hexID(r, 24), hexID(r, 16)),
	}
	x.arn = fmt.Sprintf("%s/durable-execution/%s/%s", x.functionArn(), x.name, x.id)
	orderID := "ord-" + hexID(r, 10)
	x.input = fmt.Sprintf(`{"orderId":%q,"amountCents":%d,"currency":"USD"}`, orderID, 100+r.IntN(500_000))

	age := seedEpoch.Sub(start)
	if age < time.Hour {
		x.status = pick(r, []weighted[string]{{"RUNNING", 40}, {"SUCCEEDED", 50}, {"FAILED", 10}})
	} else {
		x.status = pick(r, []weighted[string]{{"SUCCEEDED", 84}, {"FAILED", 9}, {"TIMED_OUT", 3}, {"STOPPED", 4}})
	}
	timeout := time.Duration(fn.config.ExecutionTimeout) * time.Second
	if x.status == "TIMED_OUT" && age <= timeout {
		x.status = "FAILED"
	}
	duration := time.Duration(2000+r.IntN(45*60_000)) * time.Millisecond
	if duration >= age {
		duration = (age / 2).Truncate(time.Millisecond)
	}
	switch x.status {
	case "RUNNING":
		return x
	case "SUCCEEDED":
		x.result = fmt.Sprintf(`{"orderId":%q,"state":"fulfilled","steps":%d}`, orderID, 3+r.IntN(12))
	case "FAILED":
		x.err = seedDurableFailure(r)
	case "TIMED_OUT":
		duration = timeout
		x.err = fn.timedOut()
	}
	x.end = start.Add(duration)
	return x
}

// timedOut is the error of an execution of fn that ran out of time.
func (fn *durableFunction) timedOut() *lambdaErrorObject {
	return &lambdaErrorObject{
		ErrorType:    "DurableExecutionTimedOut",
		ErrorMessage: fmt.Sprintf("The durable execution exceeded its execution timeout of %d seconds.", fn.config.ExecutionTimeout),
	}
}

// seedDurableFailure is the error of a FAILED execution.
func seedDurableFailure(r *rand.Rand) *lambdaErrorObject {
	e := pick(r, []weighted[lambdaErrorObject]{
		{lambdaErrorObject{ErrorType: "PaymentDeclinedError", ErrorMessage: "The card issuer declined the charge."}, 5},
		{lambdaErrorObject{ErrorType: "InventoryUnavailableError", ErrorMessage: "No warehouse has the requested SKU in stock."}, 3},
		{lambdaErrorObject{ErrorType: "StepRetriesExhausted", ErrorMessage: "Step 'charge-card' failed after 3 attempts."}, 2},
	})
	if r.IntN(2) == 0 {
		e.ErrorData = fmt.Sprintf(`{"step":"charge-card","attempt":%d}`, 1+r.IntN(3))
		e.StackTrace = []string{
			"at chargeCard (/var/task/steps/payment.js:42:11)",
			"at DurableContext.step (/var/task/node_modules/@aws/durable-execution-sdk-js/dist/context.js:118:24)",
		}
	}
	return &e
}

// appendExecution adds an execution of $LATEST (so that it lists without a
// Qualifier under both LambdaOrder readings) to the function named
// m.resource, started at m.startAfter its newest one.
func (d *lambdaData) appendExecution(m *mutation) (Execution, error) {
	fn, err := d.resource(m)
	if err != nil {
		return Execution{}, err
	}
	var newest time.Time
	if n := len(fn.execs); n > 0 {
		newest = fn.execs[n-1].start
	}
	r := m.rnd
	x := &durableExecution{fn: fn, id: uuid(r), version: "$LATEST", start: m.startAfter(newest)}
	x.name = fmt.Sprintf("order-%d-%s", len(fn.execs)+1, hexID(r, 8))
	x.arn = fmt.Sprintf("%s/durable-execution/%s/%s", x.functionArn(), x.name, x.id)
	x.input = fmt.Sprintf(`{"orderId":"ord-%s","amountCents":%d,"currency":"USD"}`, hexID(r, 10), 100+r.IntN(500_000))
	x.traceID = fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=1", x.start.Unix(), hexID(r, 24), hexID(r, 16))
	x.settle(m.status, m.now)
	fn.execs = insertSorted(fn.execs, x, durableCmp)
	d.addEntry(x)
	return x.info(m), nil
}

// setStatus changes the status of the execution whose ARN is m.id, which
// must be one of the function m.resource.
func (d *lambdaData) setStatus(m *mutation) (Execution, error) {
	return settleEntry(&d.catalog, m)
}

// settle gives x the status at now, and what GetDurableExecution shows of
// it: a final status ends the execution at now (never before its start),
// with a Result when SUCCEEDED and an Error when FAILED or TIMED_OUT;
// RUNNING has neither, nor an end.
func (x *durableExecution) settle(status string, now time.Time) {
	x.status, x.end, x.result, x.err = status, time.Time{}, "", nil
	switch status {
	case "RUNNING":
		return
	case "SUCCEEDED":
		x.result = `{"state":"fulfilled"}`
	case "FAILED":
		x.err = &lambdaErrorObject{ErrorType: "StepRetriesExhausted", ErrorMessage: "Step 'charge-card' failed after 3 attempts."}
	case "TIMED_OUT":
		x.err = x.fn.timedOut()
	}
	x.end = maxTime(now, x.start)
}

func (x *durableExecution) info(m *mutation) Execution {
	return m.execution(x.arn, x.status, x.start, x.end)
}

// durableExecutionCore is what both operations return of an execution.
type durableExecutionCore struct {
	DurableExecutionArn  string     `json:"DurableExecutionArn"`
	DurableExecutionName string     `json:"DurableExecutionName"`
	FunctionArn          string     `json:"FunctionArn"`
	Status               string     `json:"Status"`
	StartTimestamp       epochTime  `json:"StartTimestamp"`
	EndTimestamp         *epochTime `json:"EndTimestamp,omitempty"`
}

func (x *durableExecution) core() durableExecutionCore {
	return durableExecutionCore{
		DurableExecutionArn:  x.arn,
		DurableExecutionName: x.name,
		FunctionArn:          x.functionArn(),
		Status:               x.status,
		StartTimestamp:       epochTime(x.start),
		EndTimestamp:         ts(x.end),
	}
}

// lambdaExecutionSummary is the wire Execution (a list entry).
type lambdaExecutionSummary struct {
	durableExecutionCore
	KMSKeyArn string `json:"KMSKeyArn,omitempty"`
}

type listDurableExecutionsOutput struct {
	DurableExecutions []lambdaExecutionSummary `json:"DurableExecutions"`
	NextMarker        string                   `json:"NextMarker,omitempty"`
}

// durableListRequest is a parsed ListDurableExecutionsByFunction request.
type durableListRequest struct {
	fn            *durableFunction
	version       string          // "" lists every version
	name          string          // substring of the execution name
	statuses      []string        // sorted, distinct; nil: any status
	after, before time.Time       // strict bounds on the start; zero: none
	oldestFirst   bool            // the order of the listing, after ReverseOrder
	size          int             // page size
	marker        string          // "" for the first page
	statusSet     map[string]bool // statuses as a set
}

// listDurableExecutions answers ListDurableExecutionsByFunction. It returns
// InvalidParameterValueException (400) for a MaxItems outside 1-1000, a
// malformed FunctionName, Qualifier, DurableExecutionName, Statuses,
// StartedAfter, StartedBefore or ReverseOrder, a Qualifier that contradicts
// the one in FunctionName, and a bad or expired Marker (one issued for
// another function, other filters or another ReverseOrder);
// ResourceNotFoundException (404) for an unknown function, version or alias,
// also for a function ARN of another region or account.
func listDurableExecutions(c *call) (any, error) {
	q, err := parseDurableListRequest(c)
	if err != nil {
		return nil, err
	}
	view := q.view()
	page, next, err := listPage(c, len(view), q.marker, q.size, q.binding(c), lambdaInvalidParam, func(i int) lambdaExecutionSummary {
		x := view[len(view)-1-i]
		if q.oldestFirst {
			x = view[i]
		}
		return lambdaExecutionSummary{x.core(), x.fn.config.KMSKeyArn}
	})
	if err != nil {
		return nil, err
	}
	return listDurableExecutionsOutput{DurableExecutions: page, NextMarker: next}, nil
}

// parseDurableListRequest validates the request: the page size first, then the
// syntax of every parameter, then the function and qualifier.
func parseDurableListRequest(c *call) (*durableListRequest, error) {
	query := c.r.URL.Query()
	q := &durableListRequest{marker: query.Get("Marker")}
	var ok bool
	if q.size, ok = lambdaPages.query(query.Get("MaxItems")); !ok {
		return nil, lambdaInvalidParam.withMessage("MaxItems must be an integer between %d and %d.", lambdaPages.min, lambdaPages.max)
	}
	ref := lambdaFunctionRefRE.FindStringSubmatch(c.r.PathValue("FunctionName"))
	if ref == nil || len(c.r.PathValue("FunctionName")) > 256 {
		return nil, lambdaInvalidParam.withMessage("FunctionName is not a valid function name or ARN.")
	}
	qualifier := query.Get("Qualifier")
	if query.Has("Qualifier") && !lambdaQualifierRE.MatchString(qualifier) {
		return nil, lambdaInvalidParam.withMessage("Qualifier %q is not a valid version or alias.", qualifier)
	}
	switch {
	case ref[4] != "" && qualifier != "" && ref[4] != qualifier:
		return nil, lambdaInvalidParam.withMessage("The derived qualifier from the function name does not match the specified qualifier.")
	case ref[4] != "":
		qualifier = ref[4]
	}
	if q.name = query.Get("DurableExecutionName"); query.Has("DurableExecutionName") && !lambdaExecutionNameRE.MatchString(q.name) {
		return nil, lambdaInvalidParam.withMessage("DurableExecutionName must match [a-zA-Z0-9-_]+ and have 1 to 64 characters.")
	}
	if err := q.parseStatuses(query["Statuses"]); err != nil {
		return nil, err
	}
	var err error
	if q.after, err = lambdaQueryTime(query, "StartedAfter"); err != nil {
		return nil, err
	}
	if q.before, err = lambdaQueryTime(query, "StartedBefore"); err != nil {
		return nil, err
	}
	oldestByDefault := c.e.lambdaOrder == LambdaOldestFirst
	switch query.Get("ReverseOrder") {
	case "", "false":
		q.oldestFirst = oldestByDefault
	case "true":
		q.oldestFirst = !oldestByDefault
	default:
		return nil, lambdaInvalidParam.withMessage("ReverseOrder must be true or false.")
	}
	if qualifier == "" && oldestByDefault {
		qualifier = "$LATEST"
	}
	if q.fn, q.version, err = dataOf[*lambdaData](c).resolve(c.region, ref, qualifier); err != nil {
		return nil, err
	}
	return q, nil
}

// parseStatuses reads the repeated Statuses parameter.
func (q *durableListRequest) parseStatuses(values []string) error {
	if len(values) > lambdaMaxStatuses {
		return lambdaInvalidParam.withMessage("Statuses must have at most %d members.", lambdaMaxStatuses)
	}
	for _, s := range values {
		if !slices.Contains(lambdaStatuses, s) {
			return lambdaInvalidParam.withMessage("Status %q is not one of %s.", s, strings.Join(lambdaStatuses, ", "))
		}
		if q.statusSet == nil {
			q.statusSet = map[string]bool{}
		}
		q.statusSet[s] = true
	}
	for s := range q.statusSet {
		q.statuses = append(q.statuses, s)
	}
	sort.Strings(q.statuses)
	return nil
}

// lambdaQueryTime reads an ISO 8601 date-time query parameter (the SDK sends
// 2006-01-02T15:04:05.999Z); absent is the zero time.
func lambdaQueryTime(query url.Values, key string) (time.Time, error) {
	s := query.Get(key)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, lambdaInvalidParam.withMessage("%s %q is not an ISO 8601 date-time.", key, s)
	}
	return t, nil
}

// resolve finds the function named by a parsed FunctionName in this region
// and the version that qualifier (a version or an alias; "" for every
// version) designates.
func (d *lambdaData) resolve(region string, ref []string, qualifier string) (*durableFunction, string, error) {
	fn := d.resources[ref[3]]
	if fn == nil || (ref[1] != "" && ref[1] != region) || (ref[2] != "" && ref[2] != AccountID) {
		return nil, "", lambdaNotFound.withMessage("Function not found: arn:aws:lambda:%s:%s:function:%s", region, AccountID, ref[3])
	}
	if qualifier == "" {
		return fn, "", nil
	}
	version := qualifier
	if v, ok := fn.aliases[qualifier]; ok {
		version = v
	}
	if !fn.versions[version] {
		return nil, "", lambdaNotFound.withMessage("Function not found: %s:%s", fn.arn, qualifier)
	}
	return fn, version, nil
}

// view returns the function's executions that pass the filters, oldest
// first. The start-time bounds cut the pre-sorted slice by binary search;
// the other filters cost one scan of what remains.
func (q *durableListRequest) view() []*durableExecution {
	execs := q.fn.execs
	if !q.after.IsZero() {
		execs = execs[sort.Search(len(execs), func(i int) bool { return execs[i].start.After(q.after) }):]
	}
	if !q.before.IsZero() {
		execs = execs[:sort.Search(len(execs), func(i int) bool { return !execs[i].start.Before(q.before) })]
	}
	if q.version == "" && q.name == "" && q.statusSet == nil {
		return execs
	}
	var out []*durableExecution
	for _, x := range execs {
		if (q.version == "" || x.version == q.version) &&
			strings.Contains(x.name, q.name) &&
			(q.statusSet == nil || q.statusSet[x.status]) {
			out = append(out, x)
		}
	}
	return out
}

// binding names the listing for its markers: operation, region, function,
// every filter and the order, but not the page size.
func (q *durableListRequest) binding(c *call) string {
	return c.binding(q.fn.arn,
		"version="+q.version,
		"name="+q.name,
		"statuses="+strings.Join(q.statuses, ","),
		"after="+lambdaBound(q.after),
		"before="+lambdaBound(q.before),
		"oldestFirst="+strconv.FormatBool(q.oldestFirst),
	)
}

func lambdaBound(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

type lambdaTraceHeader struct {
	XAmznTraceId string `json:"XAmznTraceId"`
}

type getDurableExecutionOutput struct {
	durableExecutionCore
	InputPayload          string             `json:"InputPayload,omitempty"`
	Result                string             `json:"Result,omitempty"`
	Error                 *lambdaErrorObject `json:"Error,omitempty"`
	Version               string             `json:"Version"`
	TraceHeader           lambdaTraceHeader  `json:"TraceHeader"`
	ExecutionDataIncluded bool               `json:"ExecutionDataIncluded"`
	DurableConfig         durableConfig      `json:"DurableConfig"`
}

// getDurableExecution answers GetDurableExecution with every field of the
// execution; IncludeExecutionData=false leaves out InputPayload, Result and
// Error. It returns InvalidParameterValueException (400) for an ARN that
// does not match the DurableExecutionArn pattern or a malformed
// IncludeExecutionData, and ResourceNotFoundException (404) for an
// execution that this region does not have.
func getDurableExecution(c *call) (any, error) {
	arn := c.r.PathValue("DurableExecutionArn")
	if !lambdaExecutionArnRE.MatchString(arn) || len(arn) > 1024 {
		return nil, lambdaInvalidParam.withMessage("DurableExecutionArn %q is not a valid durable execution ARN.", arn)
	}
	include := true
	switch c.r.URL.Query().Get("IncludeExecutionData") {
	case "", "true":
	case "false":
		include = false
	default:
		return nil, lambdaInvalidParam.withMessage("IncludeExecutionData must be true or false.")
	}
	x := dataOf[*lambdaData](c).entries[arn]
	if x == nil {
		return nil, lambdaNotFound.withMessage("Durable execution not found: %s", arn)
	}
	out := getDurableExecutionOutput{
		durableExecutionCore:  x.core(),
		Version:               x.version,
		TraceHeader:           lambdaTraceHeader{x.traceID},
		ExecutionDataIncluded: include,
		DurableConfig:         x.fn.config,
	}
	if include {
		out.InputPayload, out.Result, out.Error = x.input, x.result, x.err
	}
	return out, nil
}
