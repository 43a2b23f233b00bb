package frontdoor

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/execgraph/execgraph/internal/apperr"
)

// Documents resolves persisted operations: trusted documents from a
// manifest (when set, nothing else runs), or else automatic persisted
// queries (APQ), whose cache is bounded in bytes.
type Documents struct {
	trusted map[string]string // document id -> text; nil: no manifest
	apq     *Cache[string]    // sha256 hex -> text
}

// NewDocuments returns the documents of the manifest at path ("" for none)
// and an APQ cache of at most maxBytes of query text.
//
// The manifest is what persisted-query tooling emits: Apollo's
// ({"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}]})
// or a plain object of id to text (relay-compiler's persisted queries,
// GraphQL Code Generator's persisted documents). Ids that are md5, sha1 or
// sha256 hex digests (optionally "sha256:"-prefixed) must be the digest of
// their text.
func NewDocuments(path string, maxBytes int64) (*Documents, error) {
	d := &Documents{apq: NewCache[string](1000, maxBytes, func(k, v string) int64 { return int64(len(k) + len(v)) })}
	if path == "" {
		return d, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var apollo struct {
		Format     string `json:"format"`
		Operations []struct {
			ID   string `json:"id"`
			Body string `json:"body"`
		} `json:"operations"`
	}
	d.trusted = map[string]string{}
	if json.Unmarshal(raw, &apollo) == nil && apollo.Format == "apollo-persisted-query-manifest" {
		for _, op := range apollo.Operations {
			d.trusted[op.ID] = op.Body
		}
	} else if err := json.Unmarshal(raw, &d.trusted); err != nil {
		return nil, errors.New("not a trusted-documents manifest: want Apollo's persisted-query manifest or a JSON object of document id to text")
	}
	if len(d.trusted) == 0 {
		return nil, errors.New("the manifest holds no document")
	}
	for id, text := range d.trusted {
		if err := checkDigest(id, text); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Trusted returns the manifest's documents (id to text); nil without one.
func (d *Documents) Trusted() map[string]string { return d.trusted }

// checkDigest checks that an id that looks like a digest is its text's.
func checkDigest(id, text string) error {
	hexID := strings.TrimPrefix(id, "sha256:")
	if _, err := hex.DecodeString(hexID); err != nil {
		return nil // an id of the tool's own making
	}
	var sum []byte
	switch len(hexID) {
	case 2 * md5.Size:
		s := md5.Sum([]byte(text))
		sum = s[:]
	case 2 * sha1.Size:
		s := sha1.Sum([]byte(text))
		sum = s[:]
	case 2 * sha256.Size:
		s := sha256.Sum256([]byte(text))
		sum = s[:]
	default:
		return nil
	}
	if !strings.EqualFold(hex.EncodeToString(sum), hexID) {
		return fmt.Errorf("trusted document %s: the id is not the digest of its text", id)
	}
	return nil
}

// Persisted is the part of a GraphQL request that names a persisted
// operation: the GraphQL-over-HTTP documentId, or Apollo's
// extensions.persistedQuery.
type Persisted struct {
	DocumentID string
	Extensions map[string]any
}

// sha256Hash returns extensions.persistedQuery.sha256Hash (version 1).
func (p Persisted) sha256Hash() (string, *gqlerror.Error) {
	pq, ok := p.Extensions["persistedQuery"].(map[string]any)
	if !ok {
		return "", nil
	}
	if v, _ := pq["version"].(json.Number); v != "" && v != "1" {
		return "", requestError(apperr.BadRequest, "persistedQuery version %s is not supported; use 1", apperr.Quote(string(v)))
	}
	h, _ := pq["sha256Hash"].(string)
	if h == "" {
		return "", requestError(apperr.BadRequest, "persistedQuery needs a sha256Hash")
	}
	return h, nil
}

// Resolve returns the text to run for a request whose query text is query
// (possibly empty), and the APQ hash to register once that text passed
// validation ("" for none).
//
// With trusted documents, only a known id runs: PERSISTED_QUERY_NOT_FOUND
// for an unknown one, PERSISTED_QUERY_NOT_ALLOWED for a query given as
// text (unless it is exactly the text of the id it comes with). Without,
// APQ: a hash alone is looked up (PERSISTED_QUERY_NOT_FOUND asks the client
// to send the text), a hash with a text must be its sha256.
func (d *Documents) Resolve(query string, p Persisted) (string, string, *gqlerror.Error) {
	hash, err := p.sha256Hash()
	if err != nil {
		return "", "", err
	}
	id := p.DocumentID
	if id == "" && hash != "" {
		id = hash
	}
	if d.trusted != nil {
		if id == "" {
			return "", "", requestError(apperr.NotAllowed, "this gateway runs only its trusted documents: send a documentId (or extensions.persistedQuery.sha256Hash), not a query")
		}
		text, ok := d.lookupTrusted(id)
		switch {
		case !ok:
			return "", "", requestError(apperr.PersistedMissing, "no trusted document has id %s", apperr.Quote(id))
		case query != "" && query != text:
			return "", "", requestError(apperr.NotAllowed, "the query differs from trusted document %s", apperr.Quote(id))
		}
		return text, "", nil
	}
	if id == "" {
		return query, "", nil
	}
	key := strings.ToLower(strings.TrimPrefix(id, "sha256:"))
	if query == "" {
		if text, ok := d.apq.Get(context.Background(), key); ok {
			return text, "", nil
		}
		return "", "", requestError(apperr.PersistedMissing, "PersistedQueryNotFound")
	}
	sum := sha256.Sum256([]byte(query))
	if hex.EncodeToString(sum[:]) != key {
		return "", "", requestError(apperr.BadRequest, "provided sha does not match query")
	}
	return query, key, nil
}

// Register keeps an APQ text under its hash; call it only once the text
// passed validation and the limits.
func (d *Documents) Register(hash, query string) {
	if hash != "" {
		d.apq.Add(context.Background(), hash, query)
	}
}

func (d *Documents) lookupTrusted(id string) (string, bool) {
	for _, k := range []string{id, strings.TrimPrefix(id, "sha256:"), "sha256:" + id} {
		if text, ok := d.trusted[k]; ok {
			return text, true
		}
	}
	return "", false
}

// requestError is an error of the request as a whole, before execution.
func requestError(code apperr.Code, format string, args ...any) *gqlerror.Error {
	return limitError(code, format, args...)
}
