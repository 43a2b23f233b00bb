package source

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/execgraph/execgraph/graph/model"
)

// readmeStatuses is the README's status mapping, written out here: every
// native status of every service and its normalized status.
var readmeStatuses = map[*Service]map[string]model.ExecutionStatus{
	Lambda: {"RUNNING": "RUNNING", "SUCCEEDED": "SUCCEEDED", "FAILED": "FAILED", "TIMED_OUT": "TIMED_OUT", "STOPPED": "CANCELLED"},
	ImageBuilder: {"PENDING": "PENDING", "SKIPPED": "SKIPPED", "RUNNING": "RUNNING", "COMPLETED": "SUCCEEDED", "FAILED": "FAILED",
		"ROLLBACK_IN_PROGRESS": "RUNNING", "ROLLBACK_COMPLETED": "FAILED", "CANCELLED": "CANCELLED"},
	StepFunctions: {"RUNNING": "RUNNING", "SUCCEEDED": "SUCCEEDED", "FAILED": "FAILED", "ABORTED": "CANCELLED"},
	IoT: {"QUEUED": "PENDING", "IN_PROGRESS": "RUNNING", "SUCCEEDED": "SUCCEEDED", "FAILED": "FAILED", "TIMED_OUT": "TIMED_OUT",
		"REJECTED": "FAILED", "REMOVED": "CANCELLED", "CANCELED": "CANCELLED"},
	Transfer: {"IN_PROGRESS": "RUNNING", "COMPLETED": "SUCCEEDED", "EXCEPTION": "FAILED", "HANDLING_EXCEPTION": "RUNNING"},
}

// TestEveryStatusMapping: each service maps exactly the README's native
// statuses, each to the README's normalized status; anything else is null.
func TestEveryStatusMapping(t *testing.T) {
	for svc, want := range readmeStatuses {
		if got := slices.Sorted(maps.Keys(svc.Statuses)); !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
			t.Errorf("%s: native statuses %v, want %v", svc.Name, got, slices.Sorted(maps.Keys(want)))
		}
		for native, st := range want {
			if got := svc.Normalize(native); got == nil || *got != st {
				t.Errorf("%s %s: %v, want %s", svc.Name, native, got, st)
			}
		}
		for _, unknown := range []string{"", "SOMETHING_NEW", "running"} {
			if got := svc.Normalize(unknown); got != nil {
				t.Errorf("%s %q: %s, want null", svc.Name, unknown, *got)
			}
		}
	}
	if len(readmeStatuses) != len(Services) {
		t.Errorf("the table covers %d services of %d", len(readmeStatuses), len(Services))
	}
}

// TestFinalRules: which executions never change again, at a clock the test
// sets: terminal statuses, except Step Functions runs that failed, were
// aborted or timed out, which AWS can redrive for 14 days.
func TestFinalRules(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	day := 24 * time.Hour
	for _, tc := range []struct {
		svc    *Service
		native string
		ended  *time.Time
		final  bool
	}{
		{Lambda, "SUCCEEDED", ago(time.Hour), true}, {Lambda, "FAILED", ago(time.Hour), true}, {Lambda, "TIMED_OUT", ago(time.Hour), true},
		{Lambda, "STOPPED", ago(time.Hour), true}, {Lambda, "RUNNING", nil, false},
		{ImageBuilder, "COMPLETED", nil, true}, {ImageBuilder, "FAILED", nil, true}, {ImageBuilder, "ROLLBACK_COMPLETED", nil, true},
		{ImageBuilder, "CANCELLED", nil, true}, {ImageBuilder, "SKIPPED", nil, true}, {ImageBuilder, "RUNNING", nil, false},
		{ImageBuilder, "PENDING", nil, false}, {ImageBuilder, "ROLLBACK_IN_PROGRESS", nil, false},
		{StepFunctions, "SUCCEEDED", ago(time.Minute), true}, {StepFunctions, "RUNNING", nil, false},
		{StepFunctions, "FAILED", ago(13 * day), false}, {StepFunctions, "FAILED", ago(15 * day), true},
		{StepFunctions, "ABORTED", ago(14*day - time.Second), false}, {StepFunctions, "ABORTED", ago(14*day + time.Second), true},
		{StepFunctions, "TIMED_OUT", ago(20 * day), true}, {StepFunctions, "FAILED", nil, false},
		{IoT, "SUCCEEDED", nil, true}, {IoT, "FAILED", nil, true}, {IoT, "TIMED_OUT", nil, true}, {IoT, "REJECTED", nil, true},
		{IoT, "REMOVED", nil, true}, {IoT, "CANCELED", nil, true}, {IoT, "QUEUED", nil, false}, {IoT, "IN_PROGRESS", nil, false},
		{Transfer, "IN_PROGRESS", nil, false}, {Transfer, "COMPLETED", nil, false}, {Transfer, "EXCEPTION", nil, false},
	} {
		if got := tc.svc.Final(tc.native, tc.ended, now); got != tc.final {
			t.Errorf("%s %s ended %v: final %v, want %v", tc.svc.Name, tc.native, tc.ended, got, tc.final)
		}
	}
}
