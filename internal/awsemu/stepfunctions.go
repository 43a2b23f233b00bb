package awsemu

import "math/rand/v2"

// sfnData is one region's stepfunctions resources. (Stub: to be implemented.)
type sfnData struct{}

func seedSFN(r *rand.Rand, region string, primary bool) *sfnData { return &sfnData{} }

// resources lists the seeded resources (Service, ID and Count set).
func (d *sfnData) resources() []Resource { return nil }

func (e *Emulator) registerSFN() {}
