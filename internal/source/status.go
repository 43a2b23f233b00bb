package source

import (
	"slices"

	"github.com/execgraph/execgraph/graph/model"
)

// nativeStatuses maps each service's status values to the normalized status
// (DESIGN.md, "Normalized status").
var nativeStatuses = map[model.ExecutionService]map[string]model.ExecutionStatus{
	model.ExecutionServiceLambda: {
		"RUNNING": model.ExecutionStatusRunning, "SUCCEEDED": model.ExecutionStatusSucceeded,
		"FAILED": model.ExecutionStatusFailed, "TIMED_OUT": model.ExecutionStatusTimedOut,
		"STOPPED": model.ExecutionStatusCancelled,
	},
	model.ExecutionServiceImagebuilder: {
		"PENDING": model.ExecutionStatusPending, "SKIPPED": model.ExecutionStatusSkipped,
		"RUNNING": model.ExecutionStatusRunning, "COMPLETED": model.ExecutionStatusSucceeded,
		"FAILED": model.ExecutionStatusFailed, "ROLLBACK_IN_PROGRESS": model.ExecutionStatusRunning,
		"ROLLBACK_COMPLETED": model.ExecutionStatusFailed, "CANCELLED": model.ExecutionStatusCancelled,
	},
	model.ExecutionServiceStepfunctions: {
		"RUNNING": model.ExecutionStatusRunning, "SUCCEEDED": model.ExecutionStatusSucceeded,
		"FAILED": model.ExecutionStatusFailed, "ABORTED": model.ExecutionStatusCancelled,
	},
	model.ExecutionServiceIot: {
		"QUEUED": model.ExecutionStatusPending, "IN_PROGRESS": model.ExecutionStatusRunning,
		"SUCCEEDED": model.ExecutionStatusSucceeded, "FAILED": model.ExecutionStatusFailed,
		"TIMED_OUT": model.ExecutionStatusTimedOut, "REJECTED": model.ExecutionStatusFailed,
		"REMOVED": model.ExecutionStatusCancelled, "CANCELED": model.ExecutionStatusCancelled,
	},
	model.ExecutionServiceTransfer: {
		"IN_PROGRESS": model.ExecutionStatusRunning, "COMPLETED": model.ExecutionStatusSucceeded,
		"EXCEPTION": model.ExecutionStatusFailed, "HANDLING_EXCEPTION": model.ExecutionStatusRunning,
	},
}

// sfnExecutionStatuses are the statuses of Step Functions executions
// (DescribeExecution): a map run's, and two more.
var sfnExecutionStatuses = map[string]model.ExecutionStatus{
	"RUNNING": model.ExecutionStatusRunning, "SUCCEEDED": model.ExecutionStatusSucceeded,
	"FAILED": model.ExecutionStatusFailed, "ABORTED": model.ExecutionStatusCancelled,
	"TIMED_OUT": model.ExecutionStatusTimedOut, "PENDING_REDRIVE": model.ExecutionStatusPending,
}

// Normalize returns the normalized status of a service's native status, and
// nil for an empty or unknown one (a value AWS added after this build).
func Normalize(svc model.ExecutionService, native string) *model.ExecutionStatus {
	if st, ok := nativeStatuses[svc][native]; ok {
		return &st
	}
	return nil
}

// nativeOf returns a pointer to a non-empty native status, nil otherwise.
func nativeOf[S ~string](s S) *string {
	if s == "" {
		return nil
	}
	v := string(s)
	return &v
}

// NativeStatuses returns the service's native statuses that normalize to
// one of statuses, sorted.
func NativeStatuses(svc model.ExecutionService, statuses []model.ExecutionStatus) []string {
	var out []string
	for native, st := range nativeStatuses[svc] {
		if slices.Contains(statuses, st) {
			out = append(out, native)
		}
	}
	slices.Sort(out)
	return out
}
