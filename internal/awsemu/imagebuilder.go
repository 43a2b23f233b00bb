package awsemu

import "math/rand/v2"

// imageBuilderData is one region's imagebuilder resources. (Stub: to be implemented.)
type imageBuilderData struct{}

func seedImageBuilder(r *rand.Rand, region string, primary bool) *imageBuilderData {
	return &imageBuilderData{}
}

// resources lists the seeded resources (Service, ID and Count set).
func (d *imageBuilderData) resources() []Resource { return nil }

func (e *Emulator) registerImageBuilder() {}
