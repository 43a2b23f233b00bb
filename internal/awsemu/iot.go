package awsemu

import "math/rand/v2"

// iotData is one region's iot resources. (Stub: to be implemented.)
type iotData struct{}

func seedIoT(r *rand.Rand, region string, primary bool) *iotData { return &iotData{} }

// resources lists the seeded resources (Service, ID and Count set).
func (d *iotData) resources() []Resource { return nil }

func (e *Emulator) registerIoT() {}
