package awsemu

import (
	"encoding/json"
	"fmt"
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

// registerAdmin serves the admin API:
//
//	GET    /_emulator/manifest  the seeded resources
//	GET    /_emulator/stats     {"calls": {"<service>.<Operation>": n}, "maxInFlight": {...}}
//	DELETE /_emulator/stats     reset the counts
//	GET    /_emulator/faults    the fault configuration
//	PUT    /_emulator/faults    replace it (Faults as JSON)
//	DELETE /_emulator/faults    turn faults off
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
	e.mux.HandleFunc("PUT /_emulator/faults", func(w http.ResponseWriter, r *http.Request) {
		var cfg Faults
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cfg); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "malformed faults: " + err.Error()})
			return
		}
		if err := e.SetFaults(cfg); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, cfg)
	})
	e.mux.HandleFunc("DELETE /_emulator/faults", func(w http.ResponseWriter, r *http.Request) {
		_ = e.SetFaults(Faults{})
		w.WriteHeader(http.StatusNoContent)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
