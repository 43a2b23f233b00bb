package awsemu

// AWS STS (Query protocol, API version 2011-06-15): GetCallerIdentity only.
//
//	POST /  Content-Type: application/x-www-form-urlencoded
//	        Action=GetCallerIdentity&Version=2011-06-15
//
// The answer is <GetCallerIdentityResponse> with Arn, UserId and Account in
// <GetCallerIdentityResult>, and the request id in <ResponseMetadata>;
// errors are <ErrorResponse> documents (see queryErrorBody).
//
// The emulator has no IAM: the caller is the access key id of the request's
// SigV4 credential, reported as an IAM user of AccountID named after the key
// (Arn arn:aws:iam::123456789012:user/<akid>) whose UserId is the key id, as
// in the example of the API reference. Temporary (session) credentials are
// reported the same way; signatures are not verified. An unsigned request
// is refused with MissingAuthenticationToken (403), as AWS refuses it.

// stsService is STS: throttling is Throttling (400), a server fault
// InternalFailure (500), both in the Query XML error shape.
var stsService = &service{
	name:        "sts",
	proto:       awsQuery,
	version:     "2011-06-15",
	xmlns:       "https://sts.amazonaws.com/doc/2011-06-15/",
	throttle:    apiError{Status: 400, Code: "Throttling"},
	serverError: apiError{Status: 500, Code: "InternalFailure"},
	ops:         []operation{{name: "GetCallerIdentity", handler: stsGetCallerIdentity}},
}

var stsMissingAuth = apiError{Status: 403, Code: "MissingAuthenticationToken"}

// stsCallerIdentity is GetCallerIdentityResult, members in the order AWS
// sends them.
type stsCallerIdentity struct {
	Arn     string `xml:"Arn"`
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
}

// stsGetCallerIdentity answers GetCallerIdentity with the identity of the
// request's access key id, or MissingAuthenticationToken (403) when the
// request is unsigned.
func stsGetCallerIdentity(c *call) (any, error) {
	akid, ok := accessKeyOf(c.r)
	if !ok {
		return nil, stsMissingAuth.withMessage("Request is missing Authentication Token")
	}
	return stsCallerIdentity{Arn: "arn:aws:iam::" + AccountID + ":user/" + akid, UserID: akid, Account: AccountID}, nil
}
