// A minimal Relay project over execgraph's schema: one paginated fragment
// per connection (@connection on the six connections of Query and on
// ImageBuilderWorkflowExecution.steps), each @refetchable so that
// relay-compiler writes its pagination query, and the queries that spread
// them. ../relay.mjs compiles it with relay-compiler against
// ../../../../schema.graphqls and persists every operation; nothing here runs
// in Node (relay-runtime is not installed: the artifacts and the persisted
// operations are what the test uses).
import { graphql } from 'relay-runtime';

export const lambda = graphql`
  fragment Executions_lambda on Query
  @argumentDefinitions(
    functionName: { type: "String!" }
    region: { type: "String" }
    statuses: { type: "[LambdaDurableExecutionStatus!]" }
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
  )
  @refetchable(queryName: "ExecutionsLambdaPaginationQuery") {
    lambdaDurableExecutions(functionName: $functionName, region: $region, statuses: $statuses, first: $count, after: $cursor)
    @connection(key: "Executions_lambdaDurableExecutions") {
      edges {
        node { id durableExecutionName status nativeStatus startedAt endedAt functionArn }
      }
    }
  }
`;

export const imageBuilder = graphql`
  fragment Executions_imageBuilder on Query
  @argumentDefinitions(
    imageBuildVersionArn: { type: "String!" }
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
  )
  @refetchable(queryName: "ExecutionsImageBuilderPaginationQuery") {
    imageBuilderWorkflowExecutions(imageBuildVersionArn: $imageBuildVersionArn, first: $count, after: $cursor)
    @connection(key: "Executions_imageBuilderWorkflowExecutions") {
      edges {
        node { id workflowExecutionId status type startedAt totalStepCount ...Executions_steps }
      }
    }
  }
`;

export const steps = graphql`
  fragment Executions_steps on ImageBuilderWorkflowExecution
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 10 }
    cursor: { type: "String" }
  )
  @refetchable(queryName: "ExecutionsStepsPaginationQuery") {
    steps(first: $count, after: $cursor) @connection(key: "Executions_steps") {
      edges {
        node { stepExecutionId name status startedAt endedAt }
      }
    }
  }
`;

export const mapRuns = graphql`
  fragment Executions_mapRuns on Query
  @argumentDefinitions(
    executionArn: { type: "String!" }
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
  )
  @refetchable(queryName: "ExecutionsMapRunsPaginationQuery") {
    stepFunctionsMapRuns(executionArn: $executionArn, first: $count, after: $cursor)
    @connection(key: "Executions_stepFunctionsMapRuns") {
      edges {
        node { id mapRunArn stateMachineArn startedAt endedAt }
      }
    }
  }
`;

export const iot = graphql`
  fragment Executions_iot on Query
  @argumentDefinitions(
    jobId: { type: "String!" }
    status: { type: "IoTJobExecutionStatus" }
    region: { type: "String" }
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
  )
  @refetchable(queryName: "ExecutionsIoTPaginationQuery") {
    iotJobExecutions(jobId: $jobId, status: $status, region: $region, first: $count, after: $cursor)
    @connection(key: "Executions_iotJobExecutions") {
      edges {
        node { id thingName status jobExecutionSummary { queuedAt executionNumber } }
      }
    }
  }
`;

export const transfer = graphql`
  fragment Executions_transfer on Query
  @argumentDefinitions(
    workflowId: { type: "String!" }
    region: { type: "String" }
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
  )
  @refetchable(queryName: "ExecutionsTransferPaginationQuery") {
    transferExecutions(workflowId: $workflowId, region: $region, first: $count, after: $cursor)
    @connection(key: "Executions_transferExecutions") {
      edges {
        node { id executionId status initialFileLocation { s3FileLocation { bucket key } } }
      }
    }
  }
`;

export const merged = graphql`
  fragment Executions_merged on Query
  @argumentDefinitions(
    sources: { type: "[ExecutionSourceInput!]!" }
    statuses: { type: "[ExecutionStatus!]" }
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
  )
  @refetchable(queryName: "ExecutionsMergedPaginationQuery") {
    executions(sources: $sources, statuses: $statuses, first: $count, after: $cursor)
    @connection(key: "Executions_executions") {
      edges {
        node { id service region status startedAt endedAt }
      }
    }
  }
`;

// The queries a page would run first.
export const lambdaQuery = graphql`
  query ExecutionsLambdaQuery($functionName: String!, $region: String) {
    ...Executions_lambda @arguments(functionName: $functionName, region: $region)
  }
`;

export const imageBuilderQuery = graphql`
  query ExecutionsImageBuilderQuery($imageBuildVersionArn: String!) {
    ...Executions_imageBuilder @arguments(imageBuildVersionArn: $imageBuildVersionArn)
  }
`;

export const mapRunsQuery = graphql`
  query ExecutionsMapRunsQuery($executionArn: String!) {
    ...Executions_mapRuns @arguments(executionArn: $executionArn)
  }
`;

export const iotQuery = graphql`
  query ExecutionsIoTQuery($jobId: String!, $region: String) {
    ...Executions_iot @arguments(jobId: $jobId, region: $region)
  }
`;

export const transferQuery = graphql`
  query ExecutionsTransferQuery($workflowId: String!, $region: String) {
    ...Executions_transfer @arguments(workflowId: $workflowId, region: $region)
  }
`;

export const mergedQuery = graphql`
  query ExecutionsMergedQuery($sources: [ExecutionSourceInput!]!) {
    ...Executions_merged @arguments(sources: $sources)
  }
`;
