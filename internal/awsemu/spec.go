package awsemu

import "math/rand/v2"

// serviceSpec is one emulated listing service, as its file declares it.
// The list of them, services in emulator.go, is the only place that names
// the services; everything else derives from it: the data of every region
// (seeded, or empty for a region that was not), the routes, the manifest
// and the admin API's mutations.
type serviceSpec struct {
	service // the wire: name, protocol, errors and operations

	// stream numbers the random stream that seeds the service's data in
	// every region. A service keeps its number for good and shares it with
	// no other (nor with mutationStream), so that changing or adding one
	// service never changes the data of another.
	stream uint64
	// data seeds the service's data of a region (see seededBy).
	data regionData
	// list names the list operation, and its argument: the request member
	// (or REST-JSON path label) that takes the id of a manifest resource.
	list listing
	// statuses are the native statuses of the service's executions, and
	// active those of executions that have not ended, the default status
	// of a new one first (the admin API's mutations).
	statuses, active []string
}

// listing names a list operation and its argument.
type listing struct{ op, arg string }

// regionData makes a service's data of one region: seed the seeded data
// (primary: of DefaultRegion), empty that of a region that was not seeded.
type regionData struct {
	seed  func(r *rand.Rand, region string, primary bool) executionStore
	empty func() executionStore
}

// seededBy is the regionData of a service whose data is a D, seeded by
// seed; its empty data is a new(D), whose nil maps hold no resource.
func seededBy[D any, P interface {
	*D
	executionStore
}](seed func(r *rand.Rand, region string, primary bool) P) regionData {
	return regionData{
		seed:  func(r *rand.Rand, region string, primary bool) executionStore { return seed(r, region, primary) },
		empty: func() executionStore { return P(new(D)) },
	}
}

// newWorld returns the world of a region whose services' data data(s)
// makes; mutations draw from rnd.
func newWorld(region string, rnd *rand.Rand, data func(s *serviceSpec) executionStore) *world {
	w := &world{rnd: rnd, region: region, data: make(map[*service]executionStore, len(services))}
	for _, s := range services {
		w.data[&s.service] = data(s)
	}
	return w
}

// store returns the region's data of service s.
func (w *world) store(s *serviceSpec) executionStore { return w.data[&s.service] }

// dataOf returns the data of the call's service in the call's region: D
// is the type that the service's seed function makes.
func dataOf[D executionStore](c *call) D { return c.w.data[c.svc].(D) }
