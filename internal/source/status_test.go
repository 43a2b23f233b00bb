package source

import (
	"testing"

	"github.com/execgraph/execgraph/graph/model"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		svc    model.ExecutionService
		native string
		want   model.ExecutionStatus // "" means nil
	}{
		{model.ExecutionServiceLambda, "STOPPED", model.ExecutionStatusCancelled},
		{model.ExecutionServiceLambda, "TIMED_OUT", model.ExecutionStatusTimedOut},
		{model.ExecutionServiceImagebuilder, "COMPLETED", model.ExecutionStatusSucceeded},
		{model.ExecutionServiceImagebuilder, "ROLLBACK_IN_PROGRESS", model.ExecutionStatusRunning},
		{model.ExecutionServiceImagebuilder, "ROLLBACK_COMPLETED", model.ExecutionStatusFailed},
		{model.ExecutionServiceImagebuilder, "SKIPPED", model.ExecutionStatusSkipped},
		{model.ExecutionServiceStepfunctions, "ABORTED", model.ExecutionStatusCancelled},
		{model.ExecutionServiceIot, "QUEUED", model.ExecutionStatusPending},
		{model.ExecutionServiceIot, "REJECTED", model.ExecutionStatusFailed},
		{model.ExecutionServiceIot, "REMOVED", model.ExecutionStatusCancelled},
		{model.ExecutionServiceIot, "CANCELED", model.ExecutionStatusCancelled},
		{model.ExecutionServiceTransfer, "EXCEPTION", model.ExecutionStatusFailed},
		{model.ExecutionServiceTransfer, "HANDLING_EXCEPTION", model.ExecutionStatusRunning},
		{model.ExecutionServiceTransfer, "IN_PROGRESS", model.ExecutionStatusRunning},
		{model.ExecutionServiceTransfer, "", ""},
		{model.ExecutionServiceLambda, "SOMETHING_NEW", ""},
		{model.ExecutionServiceStepfunctions, "QUEUED", ""},
	} {
		got := Normalize(tc.svc, tc.native)
		switch {
		case tc.want == "" && got != nil:
			t.Errorf("%s %q: got %s, want nil", tc.svc, tc.native, *got)
		case tc.want != "" && (got == nil || *got != tc.want):
			t.Errorf("%s %q: got %v, want %s", tc.svc, tc.native, got, tc.want)
		}
	}
}
