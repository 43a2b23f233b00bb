package awsemu_test

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/execgraph/execgraph/internal/awsemu"
)

const stsOp = "sts.GetCallerIdentity"

func stsClient(srv *awsemu.Server, region string, optFns ...func(*sts.Options)) *sts.Client {
	return sts.NewFromConfig(sdkConfig(srv.URL, region), optFns...)
}

// stsWantError asserts that err is the API error code with the HTTP status
// and the emulator's request id.
func stsWantError(t *testing.T, err error, code string, status int) {
	t.Helper()
	wantCode(t, err, code, status)
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || !strings.HasPrefix(re.ServiceRequestID(), "emu-") {
		t.Fatalf("error %v: no request id", err)
	}
}

// TestSTSGetCallerIdentity calls GetCallerIdentity with the SDK client in
// both seeded regions and an unseeded one: the caller is the IAM user named
// after the access key, in the emulator's account.
func TestSTSGetCallerIdentity(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	for _, region := range []string{awsemu.DefaultRegion, awsemu.SecondRegion, "ap-south-1"} {
		t.Run(region, func(t *testing.T) {
			out, err := stsClient(srv, region).GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatal(err)
			}
			got := [3]string{aws.ToString(out.Account), aws.ToString(out.Arn), aws.ToString(out.UserId)}
			want := [3]string{awsemu.AccountID, "arn:aws:iam::" + awsemu.AccountID + ":user/AKIDEMULATOR", "AKIDEMULATOR"}
			if got != want {
				t.Fatalf("identity %q, want %q", got, want)
			}
		})
	}
	if n := srv.Stats()[stsOp]; n != 3 {
		t.Fatalf("stats %s = %d, want 3", stsOp, n)
	}
}

// TestSTSErrors checks the error paths through the SDK client: injected
// throttling and server errors, and an unsigned request.
func TestSTSErrors(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	signed := stsClient(srv, awsemu.DefaultRegion)
	anonymous := stsClient(srv, awsemu.DefaultRegion, func(o *sts.Options) { o.Credentials = aws.AnonymousCredentials{} })
	tests := []struct {
		name   string
		faults awsemu.Faults
		client *sts.Client
		code   string
		status int
	}{
		{"throttled", awsemu.Faults{ThrottleRate: 1, Operations: []string{stsOp}}, signed, "Throttling", 400},
		{"server error", awsemu.Faults{ServerErrorRate: 1, Operations: []string{stsOp}}, signed, "InternalFailure", 500},
		{"unsigned", awsemu.Faults{}, anonymous, "MissingAuthenticationToken", 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := srv.SetFaults(tc.faults); err != nil {
				t.Fatal(err)
			}
			_, err := tc.client.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
			stsWantError(t, err, tc.code, tc.status)
		})
	}
	if err := srv.SetFaults(awsemu.Faults{ThrottleRate: 1, Operations: []string{"lambda.GetDurableExecution"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := signed.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("faults of another operation: %v", err)
	}
	if n := srv.Stats()[stsOp]; n != 4 {
		t.Fatalf("stats %s = %d, want 4 (faulted calls count)", stsOp, n)
	}
}

// stsWire is the union of GetCallerIdentityResponse and ErrorResponse.
type stsWire struct {
	XMLName xml.Name
	Result  struct {
		Arn, UserId, Account string
	} `xml:"GetCallerIdentityResult"`
	RequestIDMeta string `xml:"ResponseMetadata>RequestId"`
	Error         struct {
		Type, Code, Message string
	} `xml:"Error"`
	RequestID string `xml:"RequestId"`
}

// TestSTSWire posts Query protocol bodies as the AWS CLI does (aws sts
// get-caller-identity --endpoint-url) and checks the exact XML shapes and
// the dispatch of POST / by content type.
func TestSTSWire(t *testing.T) {
	srv, _ := startEmulator(t, awsemu.Options{})
	const auth = "AWS4-HMAC-SHA256 Credential=AKIACLI/20261122/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
	tests := []struct {
		name, contentType, body, auth string
		status                        int
		root, code, errType           string
	}{
		{"cli request", "application/x-www-form-urlencoded; charset=utf-8", "Action=GetCallerIdentity&Version=2011-06-15", auth,
			200, "GetCallerIdentityResponse", "", ""},
		{"unsigned", "application/x-www-form-urlencoded", "Action=GetCallerIdentity&Version=2011-06-15", "",
			403, "ErrorResponse", "MissingAuthenticationToken", "Sender"},
		{"no version", "application/x-www-form-urlencoded", "Action=GetCallerIdentity", auth,
			400, "ErrorResponse", "InvalidAction", "Sender"},
		{"unknown action", "application/x-www-form-urlencoded", "Action=AssumeRole&Version=2011-06-15", auth,
			400, "ErrorResponse", "InvalidAction", "Sender"},
		{"no action", "application/x-www-form-urlencoded", "Version=2011-06-15", auth,
			400, "ErrorResponse", "MissingAction", "Sender"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, raw := send(t, srv, http.MethodPost, "/", tc.body, "Content-Type", tc.contentType, "Authorization", tc.auth)
			var got stsWire
			if err := xml.Unmarshal(raw, &got); err != nil {
				t.Fatalf("body %q: %v", raw, err)
			}
			if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != "text/xml" || got.XMLName.Local != tc.root ||
				got.XMLName.Space != "https://sts.amazonaws.com/doc/2011-06-15/" && tc.status == 200 {
				t.Fatalf("%d %s %v: %s", resp.StatusCode, resp.Header.Get("Content-Type"), got.XMLName, raw)
			}
			reqID := resp.Header.Get("X-Amzn-RequestId")
			if tc.status == 200 {
				if got.Result.Arn != "arn:aws:iam::"+awsemu.AccountID+":user/AKIACLI" || got.Result.UserId != "AKIACLI" ||
					got.Result.Account != awsemu.AccountID || got.RequestIDMeta != reqID || reqID == "" {
					t.Fatalf("response %s (request id header %q)", raw, reqID)
				}
				return
			}
			if got.Error.Code != tc.code || got.Error.Type != tc.errType || got.Error.Message == "" || got.RequestID != reqID || reqID == "" {
				t.Fatalf("error %s (request id header %q)", raw, reqID)
			}
		})
	}
	if n := srv.Stats()[stsOp]; n != 2 {
		t.Fatalf("stats %s = %d, want 2: requests of unknown actions are not an operation's", stsOp, n)
	}
}
