package awsemu

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// stats counts calls per "<service>.<Operation>", and the most calls of
// each that were in flight at once.
type stats struct {
	mu          sync.Mutex
	calls       map[string]int64
	inFlight    map[string]int64
	maxInFlight map[string]int64
}

func newStats() *stats {
	return &stats{calls: map[string]int64{}, inFlight: map[string]int64{}, maxInFlight: map[string]int64{}}
}

// begin counts a call and marks it in flight until the returned func runs.
func (s *stats) begin(key string) (end func()) {
	s.mu.Lock()
	s.calls[key]++
	s.inFlight[key]++
	s.maxInFlight[key] = max(s.maxInFlight[key], s.inFlight[key])
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.inFlight[key]--
		s.mu.Unlock()
	}
}

// Stats returns a copy of the call counts, keyed "<service>.<Operation>"
// (such as "stepfunctions.DescribeMapRun"). Faulted calls are counted too.
func (e *Emulator) Stats() map[string]int64 {
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	return maps.Clone(e.stats.calls)
}

// MaxInFlight returns, per "<service>.<Operation>", the most calls that were
// in flight at once (injected latency included) since the last reset.
func (e *Emulator) MaxInFlight() map[string]int64 {
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	return maps.Clone(e.stats.maxInFlight)
}

// ResetStats sets every call count and in-flight maximum to zero.
func (e *Emulator) ResetStats() {
	e.stats.mu.Lock()
	e.stats.calls = map[string]int64{}
	e.stats.maxInFlight = map[string]int64{}
	for k, v := range e.stats.inFlight {
		e.stats.maxInFlight[k] = v
	}
	e.stats.mu.Unlock()
}

// Faults configure fault injection. Rates are probabilities in [0, 1];
// Operations restricts the faults to the named "<service>.<Operation>" keys
// (none: every operation).
type Faults struct {
	ThrottleRate    float64  `json:"throttleRate"`
	ServerErrorRate float64  `json:"serverErrorRate"`
	LatencyMs       int      `json:"latencyMs"`
	Operations      []string `json:"operations,omitempty"`
}

func (f Faults) validate() error {
	switch {
	case f.ThrottleRate < 0 || f.ThrottleRate > 1:
		return fmt.Errorf("throttleRate %v is outside [0, 1]", f.ThrottleRate)
	case f.ServerErrorRate < 0 || f.ServerErrorRate > 1:
		return fmt.Errorf("serverErrorRate %v is outside [0, 1]", f.ServerErrorRate)
	case f.LatencyMs < 0 || f.LatencyMs > 60_000:
		return fmt.Errorf("latencyMs %d is outside [0, 60000]", f.LatencyMs)
	}
	return nil
}

type faults struct {
	mu  sync.Mutex
	cfg Faults
	ops map[string]bool
	rnd *rand.Rand
}

func newFaults(seed uint64) *faults {
	return &faults{rnd: rand.New(rand.NewPCG(seed, 0xfa017))}
}

// fault is what happens to one call.
type fault struct {
	latency     time.Duration
	throttle    bool
	serverError bool
}

func (f *faults) draw(key string) fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ops != nil && !f.ops[key] {
		return fault{}
	}
	out := fault{latency: time.Duration(f.cfg.LatencyMs) * time.Millisecond}
	if f.cfg.ThrottleRate > 0 && f.rnd.Float64() < f.cfg.ThrottleRate {
		out.throttle = true
	} else if f.cfg.ServerErrorRate > 0 && f.rnd.Float64() < f.cfg.ServerErrorRate {
		out.serverError = true
	}
	return out
}

// SetFaults replaces the fault configuration; the zero Faults turns faults off.
func (e *Emulator) SetFaults(cfg Faults) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	var ops map[string]bool
	if len(cfg.Operations) > 0 {
		ops = map[string]bool{}
		for _, op := range cfg.Operations {
			ops[op] = true
		}
	}
	e.faults.mu.Lock()
	e.faults.cfg, e.faults.ops = cfg, ops
	e.faults.mu.Unlock()
	return nil
}

// FaultConfig returns the fault configuration in force.
func (e *Emulator) FaultConfig() Faults {
	e.faults.mu.Lock()
	defer e.faults.mu.Unlock()
	return e.faults.cfg
}

// registerAdmin serves the admin API. Request bodies are JSON of at most
// 64 KiB with no unknown fields; a malformed or invalid one is answered 400
// with {"error": "..."}.
//
//	GET    /_emulator/manifest    the seeded resources
//	GET    /_emulator/stats       {"calls": {"<service>.<Operation>": n}, "maxInFlight": {...}}
//	DELETE /_emulator/stats       reset the counts
//	GET    /_emulator/faults      the fault configuration
//	PUT    /_emulator/faults      replace it (Faults as JSON)
//	DELETE /_emulator/faults      turn faults off
//	POST   /_emulator/executions  append an execution (NewExecution as JSON):
//	                              201 and the Execution
//	PATCH  /_emulator/executions  change an execution's status (StatusChange
//	                              as JSON): 200 and the Execution
//
// For example, with the manifest's resource ids:
//
//	POST  {"service": "stepfunctions", "resource": "arn:aws:states:...:execution:catalog-reindex:..."}
//	201   {"service": "stepfunctions", "region": "us-east-1", "resource": "arn:...",
//	       "id": "arn:aws:states:...:mapRun:catalog-reindex/ReindexShards:...",
//	       "status": "RUNNING", "startedAt": "2026-11-29T19:14:29.123Z"}
//	PATCH {"service": "stepfunctions", "resource": "arn:...", "id": "arn:...:mapRun:...", "status": "SUCCEEDED"}
//	200   {..., "status": "SUCCEEDED", "endedAt": "2026-11-29T19:15:02.456Z"}
//
// region defaults to us-east-1, the status of a new execution to the
// service's running status (RUNNING; IN_PROGRESS for IoT and Transfer).
// Errors (400): an unknown service, region, resource or id, a status the
// service does not have, and the changes a service does not make: Map Runs
// of a Step Functions execution that is not RUNNING, a new IoT execution in
// a job that is not CONTINUOUS and IN_PROGRESS, an IoT execution of a
// canceled job becoming active again, a new Transfer execution that is not
// in progress.
func (e *Emulator) registerAdmin() {
	e.mux.HandleFunc("GET /_emulator/manifest", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, e.Manifest())
	})
	e.mux.HandleFunc("GET /_emulator/stats", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"calls": e.Stats(), "maxInFlight": e.MaxInFlight()})
	})
	e.mux.HandleFunc("DELETE /_emulator/stats", func(w http.ResponseWriter, r *http.Request) {
		e.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	})
	e.mux.HandleFunc("GET /_emulator/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, e.FaultConfig())
	})
	e.mux.HandleFunc("PUT /_emulator/faults", adminHandler("faults", http.StatusOK, func(cfg Faults) (Faults, error) {
		return cfg, e.SetFaults(cfg)
	}))
	e.mux.HandleFunc("DELETE /_emulator/faults", func(w http.ResponseWriter, r *http.Request) {
		_ = e.SetFaults(Faults{})
		w.WriteHeader(http.StatusNoContent)
	})
	e.mux.HandleFunc("POST /_emulator/executions", adminHandler("execution", http.StatusCreated, e.AppendExecution))
	e.mux.HandleFunc("PATCH /_emulator/executions", adminHandler("status change", http.StatusOK, e.SetExecutionStatus))
}

// adminHandler serves an admin request whose body is a JSON In (at most 64
// KiB, no unknown fields, nothing after it): it answers status and the
// JSON result of do, or 400 and {"error": "..."} when the body is
// malformed or do fails.
func adminHandler[In, Out any](what string, status int, do func(In) (Out, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in In
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
		dec.DisallowUnknownFields()
		err := dec.Decode(&in)
		if err == nil && dec.Decode(new(json.RawMessage)) != io.EOF {
			err = errors.New("data after the JSON value")
		}
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "malformed " + what + ": " + err.Error()})
			return
		}
		out, err := do(in)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, status, out)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
