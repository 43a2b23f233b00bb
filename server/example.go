package main

import (
	"fmt"

	"github.com/execgraph/execgraph/internal/awsemu"
)

// exampleQuery is the query GraphiQL opens with: the first page of each
// listing. On the emulator it names the largest seeded resource of each
// service in the default region; on AWS, placeholders to replace.
func exampleQuery(m *awsemu.Manifest) string {
	ids := map[string]string{
		"lambda":        "my-durable-function",
		"imagebuilder":  "arn:aws:imagebuilder:us-east-1:123456789012:image/my-image/1.0.0/1",
		"stepfunctions": "arn:aws:states:us-east-1:123456789012:execution:my-state-machine:my-execution",
		"iot":           "my-job",
		"transfer":      "w-0123456789abcdef0",
	}
	header := "# execgraph on AWS: replace the resource names below with yours."
	if m != nil {
		header = "# execgraph on the built-in emulator: the largest seeded resource of each service."
		best := map[string]int{}
		for _, r := range m.Resources {
			if r.Region == m.Region && r.Count > best[r.Service] {
				best[r.Service], ids[r.Service] = r.Count, r.ID
			}
		}
	}
	return fmt.Sprintf(`%[1]s
# Page on with after: <pageInfo.endCursor>.
query WhatRan {
  # Everything that ran for five resources, newest first, with details.
  executions(sources: [{lambdaFunctionName: %[3]q}, {stepFunctionsExecutionArn: %[2]q},
                       {iotJobId: %[4]q}, {imageBuildVersionArn: %[5]q}, {transferWorkflowId: %[6]q}], first: 10) {
    edges { node { __typename id service region status nativeStatus startedAt endedAt } }
    pageInfo { hasNextPage endCursor }
  }
  stepFunctionsMapRuns(executionArn: %[2]q, first: 5) {
    edges { cursor node { mapRunArn status itemCounts { total failed } stateMachine { name } startedAt endedAt } }
    pageInfo { hasNextPage endCursor }
  }
  lambdaDurableExecutions(functionName: %[3]q, first: 5) {
    nodes { durableExecutionName status nativeStatus startedAt endedAt }
    pageInfo { hasNextPage endCursor }
  }
  iotJobExecutions(jobId: %[4]q, first: 5) {
    nodes { thingArn status nativeStatus startedAt jobExecutionSummary { queuedAt executionNumber } }
    pageInfo { hasNextPage endCursor }
  }
  imageBuilderWorkflowExecutions(imageBuildVersionArn: %[5]q, first: 5) {
    nodes { workflowExecutionId type status nativeStatus startedAt totalStepCount }
    pageInfo { hasNextPage endCursor }
  }
  transferExecutions(workflowId: %[6]q, first: 5) {
    nodes { executionId status initialFileLocation { s3FileLocation { bucket key } } }
    pageInfo { hasNextPage endCursor }
  }
}
`, header, ids["stepfunctions"], ids["lambda"], ids["iot"], ids["imagebuilder"], ids["transfer"])
}
