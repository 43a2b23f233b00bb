package awsemu

import "math/rand/v2"

// transferData is one region's transfer resources. (Stub: to be implemented.)
type transferData struct{}

func seedTransfer(r *rand.Rand, region string, primary bool) *transferData { return &transferData{} }

// resources lists the seeded resources (Service, ID and Count set).
func (d *transferData) resources() []Resource { return nil }

func (e *Emulator) registerTransfer() {}
