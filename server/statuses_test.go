package main

// statusTable is the README's status mapping, written out for the tests'
// oracles (never computed by the code under test): per service (as the
// emulator names it), each native status and its normalized status.
var statusTable = map[string]map[string]string{
	"lambda": {"RUNNING": "RUNNING", "SUCCEEDED": "SUCCEEDED", "FAILED": "FAILED", "TIMED_OUT": "TIMED_OUT", "STOPPED": "CANCELLED"},
	"imagebuilder": {"PENDING": "PENDING", "SKIPPED": "SKIPPED", "RUNNING": "RUNNING", "COMPLETED": "SUCCEEDED", "FAILED": "FAILED",
		"ROLLBACK_IN_PROGRESS": "RUNNING", "ROLLBACK_COMPLETED": "FAILED", "CANCELLED": "CANCELLED"},
	"stepfunctions": {"RUNNING": "RUNNING", "SUCCEEDED": "SUCCEEDED", "FAILED": "FAILED", "ABORTED": "CANCELLED"},
	"iot": {"QUEUED": "PENDING", "IN_PROGRESS": "RUNNING", "SUCCEEDED": "SUCCEEDED", "FAILED": "FAILED", "TIMED_OUT": "TIMED_OUT",
		"REJECTED": "FAILED", "REMOVED": "CANCELLED", "CANCELED": "CANCELLED"},
	"transfer": {"IN_PROGRESS": "RUNNING", "COMPLETED": "SUCCEEDED", "EXCEPTION": "FAILED", "HANDLING_EXCEPTION": "RUNNING"},
}
