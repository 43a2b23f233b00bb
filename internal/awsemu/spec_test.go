package awsemu

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestEveryServiceIsServedAndListed checks every service of the list that
// the emulator derives from (services): it is well declared (a name and a
// random stream of its own, its list operation among its operations, its
// active statuses among its statuses), the manifest has its resources in
// both regions, and its list operation answers for each of them, through
// the service's own wrapper (its stats count the calls).
func TestEveryServiceIsServedAndListed(t *testing.T) {
	e := New(Options{Seed: 1})
	manifest := e.Manifest()
	streams := map[uint64]string{mutationStream: "the mutations"}
	names := map[string]bool{stsService.name: true}
	for _, s := range services {
		t.Run(s.name, func(t *testing.T) {
			if names[s.name] {
				t.Errorf("name %q is taken", s.name)
			}
			names[s.name] = true
			if other, ok := streams[s.stream]; ok {
				t.Errorf("random stream %d is also %s's", s.stream, other)
			}
			streams[s.stream] = s.name
			if len(s.active) == 0 {
				t.Error("no active status: a new execution has no default status")
			}
			for _, a := range s.active {
				if !slices.Contains(s.statuses, a) {
					t.Errorf("active status %s is not one of the statuses %v", a, s.statuses)
				}
			}
			i := slices.IndexFunc(s.ops, func(o operation) bool { return o.name == s.list.op })
			if i < 0 {
				t.Fatalf("list operation %s is not one of the operations", s.list.op)
			}
			calls := int64(0)
			for _, region := range []string{DefaultRegion, SecondRegion} {
				listed := 0
				for _, r := range manifest.Resources {
					if r.Service != s.name || r.Region != region {
						continue
					}
					listed++
					calls++
					rec := httptest.NewRecorder()
					e.ServeHTTP(rec, listRequest(t, s, s.ops[i], region, r.ID))
					var body map[string]any
					if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &body) != nil {
						t.Errorf("%s of %s in %s: %d %s", s.list.op, r.ID, region, rec.Code, rec.Body)
					}
					if got, want := rec.Header().Get("Content-Type"), s.proto.contentType(); got != want {
						t.Errorf("%s of %s in %s: Content-Type %q, want %q", s.list.op, r.ID, region, got, want)
					}
				}
				if listed == 0 {
					t.Errorf("the manifest has no resource in %s", region)
				}
			}
			if got := e.Stats()[s.name+"."+s.list.op]; got != calls {
				t.Errorf("stats count %d calls of %s, want %d", got, s.list.op, calls)
			}
		})
	}
}

// listRequest is a request of list operation o of service s for the
// resource id in region: REST-JSON with the id in the path label or else
// in the JSON body, AWS JSON with it in the body, signed for the region.
func listRequest(t *testing.T, s *serviceSpec, o operation, region, id string) *http.Request {
	t.Helper()
	body, _ := json.Marshal(map[string]string{s.list.arg: id})
	method, path := http.MethodPost, "/"
	if s.proto == restJSON {
		var ok bool
		if method, path, ok = strings.Cut(o.pattern, " "); !ok {
			t.Fatalf("pattern %q of %s has no method", o.pattern, o.name)
		}
		if label := "{" + s.list.arg + "}"; strings.Contains(path, label) {
			path, body = strings.Replace(path, label, url.PathEscape(id), 1), nil
		}
	}
	r := httptest.NewRequest(method, path, strings.NewReader(string(body)))
	if s.proto != restJSON {
		r.Header.Set("X-Amz-Target", s.target+"."+o.name)
	}
	r.Header.Set("Content-Type", s.proto.contentType())
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261122/"+region+"/"+s.name+"/aws4_request, SignedHeaders=host, Signature=0")
	return r
}
