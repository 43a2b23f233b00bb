package transport

import (
	"math"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestWrite: each shape of response is written as the JSON the table
// gives, with its exact length.
func TestWrite(t *testing.T) {
	errs := gqlerror.List{{Message: "no", Extensions: map[string]any{"code": "X"}}}
	const errJSON = `[{"message":"no","extensions":{"code":"X"}}]`
	ext := map[string]any{"cost": 3}
	for _, tc := range []struct {
		name         string
		resp         graphql.Response
		requestError bool
		want         string
	}{
		{"data", graphql.Response{Data: []byte(`{"a":1}`)}, false, `{"data":{"a":1}}`},
		{"no data", graphql.Response{}, false, `{"data":null}`},
		{"errors and data", graphql.Response{Errors: errs, Data: []byte(`{"a":null}`)}, false, `{"errors":` + errJSON + `,"data":{"a":null}}`},
		{"request error", graphql.Response{Errors: errs}, true, `{"errors":` + errJSON + `}`},
		{"data and extensions", graphql.Response{Data: []byte(`{}`), Extensions: ext}, false, `{"data":{},"extensions":{"cost":3}}`},
		{"request error and extensions", graphql.Response{Errors: errs, Extensions: ext}, true, `{"errors":` + errJSON + `,"extensions":{"cost":3}}`},
		{"extensions alone", graphql.Response{Extensions: ext}, true, `{"extensions":{"cost":3}}`},
		{"errors that do not encode", graphql.Response{Errors: gqlerror.List{{Message: "x", Extensions: map[string]any{"n": math.NaN()}}}}, true,
			`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			write(rec, 400, "application/graphql-response+json", &tc.resp, tc.requestError)
			if got := rec.Body.String(); got != tc.want {
				t.Errorf("wrote %s, want %s", got, tc.want)
			}
			if got := rec.Header().Get("Content-Length"); got != strconv.Itoa(len(tc.want)) {
				t.Errorf("Content-Length %s, want %d", got, len(tc.want))
			}
			if rec.Code != 400 || rec.Header().Get("Content-Type") != "application/graphql-response+json; charset=utf-8" {
				t.Errorf("status %d, Content-Type %s", rec.Code, rec.Header().Get("Content-Type"))
			}
		})
	}
}
