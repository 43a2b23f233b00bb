package obs

import (
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the gateway's Prometheus metrics, on their own registry (one
// per gateway, so tests run several). A nil *Metrics records nothing.
//
// The names are fixed: dashboards and checks outside the repository read
// them.
type Metrics struct {
	reg *prometheus.Registry

	requests        *prometheus.CounterVec   // execgraph_graphql_requests_total{operation,outcome}
	requestDuration *prometheus.HistogramVec // execgraph_graphql_request_duration_seconds{operation}
	inFlight        prometheus.Gauge         // execgraph_graphql_requests_in_flight
	errors          *prometheus.CounterVec   // execgraph_graphql_errors_total{code}
	awsCalls        *prometheus.CounterVec   // execgraph_aws_calls_total{service,operation,outcome}
	awsDuration     *prometheus.HistogramVec // execgraph_aws_call_duration_seconds{service,operation}
	rateWaits       *prometheus.HistogramVec // execgraph_rate_limit_wait_seconds{service,operation}
	loaderBatch     *prometheus.HistogramVec // execgraph_loader_batch_size{service,operation}
	detailCache     *prometheus.CounterVec   // execgraph_detail_cache_total{service,operation,result}
	prefetch        *prometheus.CounterVec   // execgraph_prefetch_total{result}

	mu  sync.Mutex
	ops map[string]bool // operation names given a label of their own
}

// maxOperations bounds the operation label: clients name operations, so the
// first maxOperations names get their own value and the rest are "other".
const maxOperations = 100

// NewMetrics returns metrics on a new registry, with the Go runtime's and
// the process's collectors.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), ops: map[string]bool{}}
	durations := []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "execgraph_graphql_requests_total",
		Help: "GraphQL requests by operation name and outcome (ok: no error; error: errors with data; failed: no data; rejected: did not run)."},
		[]string{"operation", "outcome"})
	m.requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "execgraph_graphql_request_duration_seconds",
		Help: "Time to answer a GraphQL request, by operation name.", Buckets: durations}, []string{"operation"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{Name: "execgraph_graphql_requests_in_flight", Help: "GraphQL requests being answered."})
	m.errors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "execgraph_graphql_errors_total",
		Help: "GraphQL errors sent, by extensions.code."}, []string{"code"})
	m.awsCalls = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "execgraph_aws_calls_total",
		Help: "AWS calls that reached AWS, one per attempt (retries included), by service, operation and outcome (ok, throttled, client_error, server_error, network_error)."},
		[]string{"service", "operation", "outcome"})
	m.awsDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "execgraph_aws_call_duration_seconds",
		Help: "Time of one attempt of an AWS call.", Buckets: durations}, []string{"service", "operation"})
	m.rateWaits = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "execgraph_rate_limit_wait_seconds",
		Help: "Time AWS calls waited for their operation's token bucket.", Buckets: []float64{.001, .01, .1, .5, 1, 2, 5}}, []string{"service", "operation"})
	m.loaderBatch = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "execgraph_loader_batch_size",
		Help: "Keys per dataloader batch of a detail operation.", Buckets: []float64{1, 2, 5, 10, 25, 50, 100, 250, 1000}}, []string{"service", "operation"})
	m.detailCache = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "execgraph_detail_cache_total",
		Help: "Lookups of the cache of final details, by result (hit, miss)."}, []string{"service", "operation", "result"})
	m.prefetch = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "execgraph_prefetch_total",
		Help: "Upstream pages fetched ahead of a walk, by result (started, hit: a request used it, wasted: none did)."}, []string{"result"})
	m.reg.MustRegister(m.requests, m.requestDuration, m.inFlight, m.errors, m.awsCalls, m.awsDuration, m.rateWaits,
		m.loaderBatch, m.detailCache, m.prefetch,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Registry is the metrics' registry (tests gather from it).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// operation is the label of an operation name: "anonymous" for none, the
// name for the first maxOperations names seen, "other" after.
func (m *Metrics) operation(name string) string {
	if name == "" {
		return "anonymous"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ops[name] {
		return name
	}
	if len(m.ops) >= maxOperations {
		return "other"
	}
	m.ops[name] = true
	return name
}

// Count counts the GraphQL requests that next serves at path, whatever
// answers them (the transport, or a guard or authentication before it): in
// flight, then by operation and outcome (from the request's Record; failed
// with INTERNAL when the handler panicked), with their duration and error
// codes. A CORS preflight (OPTIONS with Access-Control-Request-Method) is
// not counted.
func (m *Metrics) Count(path string, next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if r.URL.Path != path || preflight { // a CORS preflight is no request
			next.ServeHTTP(w, r)
			return
		}
		m.inFlight.Inc()
		start := time.Now()
		defer func() {
			m.inFlight.Dec()
			rec := From(r.Context())
			if p := recover(); p != nil { // a handler's bug: the request failed, whatever it recorded
				m.request(rec.Operation(), "failed", time.Since(start), append(rec.Codes(), "INTERNAL"))
				panic(p)
			}
			m.request(rec.Operation(), rec.Outcome(), time.Since(start), rec.Codes())
		}()
		next.ServeHTTP(w, r)
	})
}

// request records a GraphQL request's outcome, duration and error codes.
// The operation label is "none" for a request that did not run (its name,
// if any, is the client's word, not an operation of a valid document).
func (m *Metrics) request(operation, outcome string, d time.Duration, codes []string) {
	op := "none"
	if outcome != "rejected" {
		op = m.operation(operation)
	}
	m.requests.WithLabelValues(op, outcome).Inc()
	m.requestDuration.WithLabelValues(op).Observe(d.Seconds())
	for _, c := range codes {
		m.errors.WithLabelValues(c).Inc()
	}
}

// AWSCall records one attempt of an AWS call.
func (m *Metrics) AWSCall(service, operation, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.awsCalls.WithLabelValues(service, operation, outcome).Inc()
	m.awsDuration.WithLabelValues(service, operation).Observe(d.Seconds())
}

// RateWait records how long a call waited for its token bucket.
func (m *Metrics) RateWait(service, operation string, d time.Duration) {
	if m != nil {
		m.rateWaits.WithLabelValues(service, operation).Observe(d.Seconds())
	}
}

// LoaderBatch records the keys of one batch of a detail operation.
func (m *Metrics) LoaderBatch(service, operation string, keys int) {
	if m != nil {
		m.loaderBatch.WithLabelValues(service, operation).Observe(float64(keys))
	}
}

// DetailCache records a lookup of the cache of final details.
func (m *Metrics) DetailCache(service, operation string, hit bool) {
	if m == nil {
		return
	}
	result := "miss"
	if hit {
		result = "hit"
	}
	m.detailCache.WithLabelValues(service, operation, result).Inc()
}

// Prefetch records a prefetched page started, used (hit) or wasted.
func (m *Metrics) Prefetch(result string) {
	if m != nil {
		m.prefetch.WithLabelValues(result).Inc()
	}
}
