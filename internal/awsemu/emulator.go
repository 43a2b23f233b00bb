// Package awsemu is an in-process emulator of the five AWS execution-listing
// APIs that execgraph federates. It speaks each service's real wire protocol
// (REST-JSON for Lambda, Image Builder and IoT; AWS JSON 1.0 for Step
// Functions; AWS JSON 1.1 for Transfer Family), so the unmodified
// aws-sdk-go-v2 clients and the AWS CLI (with --endpoint-url) talk to it as
// they talk to AWS. It also answers STS GetCallerIdentity (Query protocol:
// a form-encoded POST / with an XML response), so that a client can check
// its credentials against it as against AWS.
//
// The data is generated deterministically from a seed. The emulator is safe
// for concurrent use: each region's data is read under a read lock by the
// operations and changed under the write lock by the admin API's mutations;
// the call statistics and the fault configuration have locks of their own.
//
// The region of a request is read from its SigV4 credential scope; each
// region has its own resources. An admin API under /_emulator/ exposes the
// seeded resources (manifest), per-operation call counts (stats), fault
// injection (faults) and mutations of the data (executions):
//
//	POST  /_emulator/executions  {"service", "region", "resource", "status"}
//	                             appends an execution to a resource: 201 and
//	                             the Execution (Emulator.AppendExecution)
//	PATCH /_emulator/executions  {"service", "region", "resource", "id", "status"}
//	                             changes an execution's status: 200 and the
//	                             Execution (Emulator.SetExecutionStatus)
//
// so that tests can change a listing between two requests. See mutate.go
// and registerAdmin for the details.
package awsemu

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// AccountID is the AWS account that owns every emulated resource.
const AccountID = "123456789012"

// DefaultRegion is the region of requests that carry no SigV4 credential
// scope, and the region that holds most of the seeded resources.
const DefaultRegion = "us-east-1"

// SecondRegion holds a smaller set of resources of every service.
const SecondRegion = "eu-west-1"

// DefaultTokenTTL is how long a pagination token stays valid, as on AWS.
const DefaultTokenTTL = 24 * time.Hour

// Options configure an Emulator. The zero value is valid.
type Options struct {
	// Seed makes the generated data; the same seed gives the same data.
	Seed uint64
	// TokenTTL is the lifetime of pagination tokens (default DefaultTokenTTL).
	TokenTTL time.Duration
	// Now is the emulator's clock (default time.Now): it decides token
	// expiry, and the times of executions that the admin API appends or
	// ends.
	Now func() time.Time
	// LambdaOrder is the reading of ListDurableExecutionsByFunction's
	// default order and Qualifier (default LambdaNewestFirst); New panics
	// on a value that ParseLambdaOrder refuses.
	LambdaOrder LambdaOrder
}

// Emulator is an http.Handler serving the five APIs and the admin API.
type Emulator struct {
	seed        uint64
	regions     map[string]*world
	tokens      *tokenCodec
	stats       *stats
	faults      *faults
	mux         *http.ServeMux
	lambdaOrder LambdaOrder
	now         func() time.Time
	targets     map[string]http.HandlerFunc // AWS JSON operations by X-Amz-Target
	actions     map[string]http.HandlerFunc // Query operations by Version and Action
}

// services are the emulated listing services, one line each: adding a
// service is its file, which declares its serviceSpec, and a line here.
// Their data in every region, its seeding, their routes, the manifest,
// the admin API's mutations and the empty data of regions that were not
// seeded all derive from this list, whose order is that of the admin API's
// messages. (STS, which lists nothing, is not one of them.)
var services = []*serviceSpec{
	lambdaSpec,
	imageBuilderSpec,
	sfnSpec,
	iotSpec,
	transferSpec,
}

// mutationStream numbers the random stream of the admin API's mutations in
// every region (see serviceSpec.stream).
const mutationStream = 6

// world is one region's data: every service's resources. Operations read
// it under mu's read lock (see Emulator.serve); the admin API's mutations
// change it under the write lock, drawing their random values from rnd.
type world struct {
	mu     sync.RWMutex
	rnd    *rand.Rand
	region string
	data   map[*service]executionStore // by service (see dataOf)
}

// New seeds the data of both regions and returns the emulator.
func New(opts Options) *Emulator {
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = DefaultTokenTTL
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	order, err := ParseLambdaOrder(string(opts.LambdaOrder))
	if err != nil {
		panic("awsemu.New: " + err.Error())
	}
	e := &Emulator{
		seed:        opts.Seed,
		lambdaOrder: order,
		now:         opts.Now,
		regions:     map[string]*world{},
		tokens:      newTokenCodec(opts.Seed, opts.TokenTTL, opts.Now),
		stats:       newStats(),
		faults:      newFaults(opts.Seed),
		mux:         http.NewServeMux(),
		targets:     map[string]http.HandlerFunc{},
		actions:     map[string]http.HandlerFunc{},
	}
	for i, region := range []string{DefaultRegion, SecondRegion} {
		// Every service seeds from its own stream, so adding data to one
		// service never changes another's; mutations draw from another.
		stream := func(n uint64) *rand.Rand {
			return rand.New(rand.NewPCG(opts.Seed, uint64(i)<<8|n))
		}
		primary := region == DefaultRegion
		e.regions[region] = newWorld(region, stream(mutationStream), func(s *serviceSpec) executionStore {
			return s.data.seed(stream(s.stream), region, primary)
		})
	}
	e.registerAdmin()
	for _, s := range services {
		e.register(&s.service)
	}
	e.register(stsService)
	e.mux.HandleFunc("POST /{$}", e.serveRoot)
	return e
}

// ServeHTTP implements http.Handler.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mux.ServeHTTP(w, r)
}

// Server is an Emulator listening on a TCP address.
type Server struct {
	*Emulator
	// URL is the base URL to give SDK clients as their endpoint.
	URL  string
	srv  *http.Server
	done chan struct{}
}

// Start listens on addr (such as "127.0.0.1:0") and serves e until Close.
func Start(addr string, e *Emulator) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("emulator listen %s: %w", addr, err)
	}
	s := &Server{
		Emulator: e,
		URL:      "http://" + ln.Addr().String(),
		srv:      &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second},
		done:     make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// Close stops the server and waits for it to finish.
func (s *Server) Close() error {
	err := s.srv.Close()
	<-s.done
	return err
}

// Resource is one listable resource in the manifest.
type Resource struct {
	Service string `json:"service"`
	ID      string `json:"id"`
	Region  string `json:"region"`
	Count   int    `json:"count"`
}

// Manifest describes the seeded data.
type Manifest struct {
	Region    string     `json:"region"`
	AccountID string     `json:"accountId"`
	Resources []Resource `json:"resources"`
}

// Manifest lists every seeded resource of every region, sorted by service,
// region and id. Counts include the executions that the admin API appended
// and leave out the Transfer executions it finished.
func (e *Emulator) Manifest() Manifest {
	var rs []Resource
	for region, w := range e.regions {
		w.mu.RLock()
		for _, s := range services {
			for _, r := range w.store(s).manifest() {
				r.Service, r.Region = s.name, region
				rs = append(rs, r)
			}
		}
		w.mu.RUnlock()
	}
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.ID < b.ID
	})
	return Manifest{Region: DefaultRegion, AccountID: AccountID, Resources: rs}
}

// credentialScope returns the parts of the request's SigV4 credential
// (Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request,
// ...): access key id, date, region, service and terminator. ok is false
// when the request is unsigned or the credential is malformed.
func credentialScope(r *http.Request) (parts []string, ok bool) {
	_, rest, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !ok {
		return nil, false
	}
	if i := strings.IndexAny(rest, ", "); i >= 0 {
		rest = rest[:i]
	}
	parts = strings.Split(rest, "/")
	if len(parts) < 5 || parts[2] == "" {
		return nil, false
	}
	return parts, true
}

// regionOf returns the region named by the request's SigV4 credential scope,
// or DefaultRegion when the request is unsigned.
func regionOf(r *http.Request) string {
	if parts, ok := credentialScope(r); ok {
		return parts[2]
	}
	return DefaultRegion
}

// accessKeyOf returns the access key id of the request's SigV4 credential;
// ok is false when the request is unsigned.
func accessKeyOf(r *http.Request) (akid string, ok bool) {
	if parts, ok := credentialScope(r); ok && parts[0] != "" {
		return parts[0], true
	}
	return "", false
}

// world returns the data of a region. A region that was not seeded is
// empty: every resource in it is unknown (and the admin API refuses it).
func (e *Emulator) world(region string) *world {
	if w, ok := e.regions[region]; ok {
		return w
	}
	return newWorld(region, nil, func(s *serviceSpec) executionStore { return s.data.empty() })
}
