package awsemu

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"
)

// Mutations. The seeded data can be changed while the emulator serves, for
// tests of listings that change between two requests: AppendExecution adds
// an execution to a resource, SetExecutionStatus changes an execution's
// status. Both take the region's write lock, so operations (which read
// under the read lock) see the data before or after a change, never during.
// What an operation returns follows the change: the list entries, the
// detail APIs and the manifest's counts. Pagination tokens stay offsets
// into the listing: an execution appended at the head of a newest-first
// listing shifts the later pages by one, an execution that leaves a
// listing (a finished Transfer execution) shifts them back; a token never
// reads past the end of the listing as it is now.
//
// An appended execution starts at the emulator's clock (Options.Now,
// truncated to the millisecond) or, if that is not later than the newest
// execution of the resource, 1 ms after it: it is always the newest. What
// each service makes of an append and a status change is documented on its
// appendExecution and setStatus methods.

// executionStore is one service's data in one region. Its mutations run
// under the region's write lock; resources runs under at least the read
// lock.
type executionStore interface {
	// manifest lists the listable resources and their execution counts
	// (see catalog.manifest).
	manifest() []Resource
	// appendExecution adds an execution of m.status to resource m.resource.
	appendExecution(m *mutation) (Execution, error)
	// setStatus gives execution m.id of resource m.resource the status m.status.
	setStatus(m *mutation) (Execution, error)
}

// NewExecution asks AppendExecution for an execution.
type NewExecution struct {
	// Service is "lambda", "imagebuilder", "stepfunctions", "iot" or "transfer".
	Service string `json:"service"`
	// Region is a seeded region (default DefaultRegion).
	Region string `json:"region,omitempty"`
	// Resource is the list API's required argument, as the manifest's id:
	// function name, image build version ARN, parent execution ARN, job id
	// or workflow id.
	Resource string `json:"resource"`
	// Status is a native status of the service (default its running status:
	// RUNNING, or IN_PROGRESS for IoT and Transfer).
	Status string `json:"status,omitempty"`
}

// StatusChange asks SetExecutionStatus for a new status of an execution.
type StatusChange struct {
	Service  string `json:"service"`
	Region   string `json:"region,omitempty"` // default DefaultRegion
	Resource string `json:"resource"`
	// ID is the identifier the list item carries: DurableExecutionArn,
	// workflowExecutionId, mapRunArn, thingArn (or the thing name) or
	// ExecutionId.
	ID string `json:"id"`
	// Status is a native status of the service.
	Status string `json:"status"`
}

// Execution names an execution that the admin API appended or changed.
type Execution struct {
	Service  string `json:"service"`
	Region   string `json:"region"`
	Resource string `json:"resource"`
	// ID is the identifier the list item carries (for IoT the thingArn).
	ID     string `json:"id"`
	Status string `json:"status"`
	// StartedAt is the time that places the execution in its listing: its
	// start (IoT: queuedAt until it starts; Transfer: its creation, which
	// shows only in the uploaded file's name).
	StartedAt time.Time `json:"startedAt"`
	// EndedAt is the end time that the service reports, if it has one
	// (Lambda, Image Builder, Step Functions) and the execution has ended.
	EndedAt *time.Time `json:"endedAt,omitempty"`
	// ThingName and ExecutionNumber are set for IoT, whose
	// DescribeJobExecution takes them.
	ThingName       string `json:"thingName,omitempty"`
	ExecutionNumber int64  `json:"executionNumber,omitempty"`
}

// mutation is a validated request of the admin API.
type mutation struct {
	spec                 *serviceSpec
	region               string
	resource, id, status string
	now                  time.Time  // Options.Now, truncated to the millisecond
	rnd                  *rand.Rand // the region's stream for mutations
}

// AppendExecution adds an execution to a resource and returns it. It
// returns an error (the caller's: the admin API answers 400) for an
// unknown service, region or resource, a status the service does not
// have, or an execution the service cannot start there (see the services'
// appendExecution methods).
func (e *Emulator) AppendExecution(n NewExecution) (Execution, error) {
	return e.mutate(n.Service, n.Region, n.Resource, "", n.Status, executionStore.appendExecution)
}

// SetExecutionStatus changes the status of an execution and returns it. A
// final status sets the end time to the emulator's clock (Options.Now). It
// returns an error (the caller's: the admin API answers 400) for an
// unknown service, region, resource or execution, a status the service
// does not have, or a change the service does not make (see the services'
// setStatus methods).
func (e *Emulator) SetExecutionStatus(c StatusChange) (Execution, error) {
	if c.ID == "" {
		return Execution{}, fmt.Errorf("id is required")
	}
	if c.Status == "" {
		return Execution{}, fmt.Errorf("status is required")
	}
	return e.mutate(c.Service, c.Region, c.Resource, c.ID, c.Status, executionStore.setStatus)
}

// mutate validates a mutation (see mutation) and applies it, do, to the
// service's data of the region under the region's write lock.
func (e *Emulator) mutate(service, region, resource, id, status string, do func(executionStore, *mutation) (Execution, error)) (Execution, error) {
	m, w, err := e.mutation(service, region, resource, id, status)
	if err != nil {
		return Execution{}, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return do(w.store(m.spec), m)
}

// mutation validates what every mutation names: the service, a seeded
// region ("" is DefaultRegion), a resource and a status of the service (""
// is its default status).
func (e *Emulator) mutation(name, region, resource, id, status string) (*mutation, *world, error) {
	i := slices.IndexFunc(services, func(s *serviceSpec) bool { return s.name == name })
	if i < 0 {
		names := make([]string, len(services))
		for j, s := range services {
			names[j] = s.name
		}
		return nil, nil, fmt.Errorf("unknown service %q: want one of %s", name, strings.Join(names, ", "))
	}
	spec := services[i]
	if region == "" {
		region = DefaultRegion
	}
	w, ok := e.regions[region]
	if !ok {
		return nil, nil, fmt.Errorf("unknown region %q: the emulator has data in %s and %s", region, DefaultRegion, SecondRegion)
	}
	if resource == "" {
		return nil, nil, fmt.Errorf("resource is required")
	}
	if status == "" {
		status = spec.active[0]
	}
	if !slices.Contains(spec.statuses, status) {
		return nil, nil, fmt.Errorf("%s has no status %q: want one of %s", spec.name, status, strings.Join(spec.statuses, ", "))
	}
	now := e.now().UTC().Truncate(time.Millisecond)
	return &mutation{spec: spec, region: region, resource: resource, id: id, status: status, now: now, rnd: w.rnd}, w, nil
}

// ended reports whether the mutation's status is a final one.
func (m *mutation) ended() bool { return !slices.Contains(m.spec.active, m.status) }

// startAfter returns the start of an appended execution: now, or 1 ms after
// newest (the newest execution's start) if now is not later.
func (m *mutation) startAfter(newest time.Time) time.Time {
	if m.now.After(newest) {
		return m.now
	}
	return newest.Add(time.Millisecond)
}

// unknownResource is the error for a resource the region does not have.
func (m *mutation) unknownResource() error {
	return fmt.Errorf("unknown %s resource %q in %s", m.spec.name, m.resource, m.region)
}

// unknownID is the error for an execution the resource does not have.
func (m *mutation) unknownID() error {
	return fmt.Errorf("%s resource %q in %s has no execution %q", m.spec.name, m.resource, m.region, m.id)
}

// execution returns the answer naming execution id, which started at
// start and, if it has ended, ended at end (the zero time if not).
func (m *mutation) execution(id, status string, start, end time.Time) Execution {
	x := Execution{Service: m.spec.name, Region: m.region, Resource: m.resource, ID: id, Status: status, StartedAt: start}
	if !end.IsZero() {
		x.EndedAt = &end
	}
	return x
}

// insertSorted inserts x into s, which is sorted by cmp, after the
// elements equal to it.
func insertSorted[T any](s []T, x T, cmp func(a, b T) int) []T {
	i := sort.Search(len(s), func(i int) bool { return cmp(s[i], x) > 0 })
	return slices.Insert(s, i, x)
}

// without removes x from s (compared with ==), keeping the order.
func without[T comparable](s []T, x T) []T {
	if i := slices.Index(s, x); i >= 0 {
		return slices.Delete(s, i, i+1)
	}
	return s
}
