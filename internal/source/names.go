package source

import (
	"regexp"
	"strings"

	"github.com/execgraph/execgraph/internal/apperr"
)

// An argument that names an AWS resource is checked against AWS's own
// constraints (the services' API models: botocore's service-2.json, and
// aws/api-models-aws) before any call, so that nothing AWS would refuse,
// and nothing of unbounded size, reaches a client, a cache key or a log.
// AWS patterns match the whole value: each is anchored as ^(?:P)$.
type name struct {
	what     string // for messages: "function name"
	min, max int    // length bounds
	pattern  *regexp.Regexp
}

func anchored(p string) *regexp.Regexp { return regexp.MustCompile(`^(?:` + p + `)$`) }

var (
	// Lambda ListDurableExecutionsByFunction.FunctionName: 1-256, a name,
	// a partial or a full ARN, optionally qualified. The name itself is at
	// most 64 characters (Lambda's documentation of function names).
	functionName = name{"function name", 1, 256, anchored(`(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?`)}
	qualifier    = name{"qualifier", 1, 128, anchored(`\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+`)}
	// ListDurableExecutionsByFunction.DurableExecutionName.
	durableExecutionName = name{"durable execution name", 1, 64, anchored(`[a-zA-Z0-9-_]+`)}
	// GetDurableExecution.DurableExecutionArn.
	durableExecutionArn = name{"durable execution ARN", 1, 1024, anchored(`arn:([a-zA-Z0-9-]+):lambda:([a-zA-Z0-9-]+):(\d{12}):function:([a-zA-Z0-9_-]+):(\$LATEST(?:\.PUBLISHED)?|[0-9]+)/durable-execution/([a-zA-Z0-9_-]+)/([a-zA-Z0-9_-]+)`)}
	// Image Builder ListWorkflowExecutions.imageBuildVersionArn (the model
	// sets no length; 1024 bounds what its pattern allows).
	imageBuildVersionArn    = name{"image build version ARN", 1, 1024, anchored(`arn:aws[^:]*:imagebuilder:[^:]+:(?:[0-9]{12}|aws(?:-[a-z-]+)?):image/[a-z0-9-_]+/[0-9]+\.[0-9]+\.[0-9]+/[0-9]+`)}
	workflowExecutionIDName = name{"workflow execution id", 1, 64, anchored(`wf-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)}
	// Step Functions ListMapRuns.executionArn (Arn: 1-256, no pattern in
	// the model) and DescribeMapRun.mapRunArn (LongArn: 1-2000). An ARN's
	// region decides the client, so its shape is checked here.
	sfnExecutionArn    = name{"execution ARN", 1, 256, anchored(`arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:\s]+:[^:\s]+`)}
	sfnMapRunArn       = name{"map run ARN", 1, 2000, anchored(`arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:mapRun:[^:\s]+:[^:\s]+`)}
	sfnStateMachineArn = name{"state machine ARN", 1, 256, anchored(`arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:\s]+`)}
	// IoT jobId and thingName.
	iotJobID     = name{"job id", 1, 64, anchored(`[a-zA-Z0-9_-]+`)}
	iotThingName = name{"thing name", 1, 128, anchored(`[a-zA-Z0-9:_-]+`)}
	// Transfer Family WorkflowId and ExecutionId.
	transferWorkflowID  = name{"workflow id", 19, 19, anchored(`w-([a-z0-9]{17})`)}
	transferExecutionID = name{"execution id", 36, 36, anchored(`[0-9a-fA-F]{8}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{12}`)}
)

// check returns BAD_USER_INPUT, quoting at most 200 bytes of v, unless v
// meets the constraints.
func (n name) check(v string) error {
	if len(v) < n.min || len(v) > n.max {
		return apperr.New(apperr.BadUserInput, "%s %s: AWS allows %d to %d characters, got %d", n.what, apperr.Quote(v), n.min, n.max, len(v))
	}
	if !n.pattern.MatchString(v) {
		return apperr.New(apperr.BadUserInput, "%s %s is not of the form AWS accepts", n.what, apperr.Quote(v))
	}
	return nil
}

// checkFunctionName checks a Lambda function reference, and that its name
// part is at most 64 characters.
func checkFunctionName(v string) error {
	if err := functionName.check(v); err != nil {
		return err
	}
	name := v
	if i := strings.Index(name, ":function:"); i >= 0 {
		name = name[i+len(":function:"):]
	} else if parts := strings.Split(name, ":"); len(parts) >= 2 && len(parts[0]) == 12 {
		name = parts[1] // account:name
	}
	name, _, _ = strings.Cut(name, ":")
	if len(name) > 64 {
		return apperr.New(apperr.BadUserInput, "function name %s: a function's name is at most 64 characters", apperr.Quote(v))
	}
	return nil
}

// arnRegion checks a resource ARN and returns its region (the default for
// an ARN without one).
func (s *Source) arnRegion(n name, arn string) (string, error) {
	if err := n.check(arn); err != nil {
		return "", err
	}
	return s.regionOf("", arn)
}

// nameRegion checks a resource name and the region asked for (the default
// when "").
func (s *Source) nameRegion(region string, n name, v string) (string, error) {
	if err := n.check(v); err != nil {
		return "", err
	}
	return s.regionOf(region, "")
}
