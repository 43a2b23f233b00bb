package awsemu

import "math/rand/v2"

// lambdaData is one region's lambda resources. (Stub: to be implemented.)
type lambdaData struct{}

func seedLambda(r *rand.Rand, region string, primary bool) *lambdaData { return &lambdaData{} }

// resources lists the seeded resources (Service, ID and Count set).
func (d *lambdaData) resources() []Resource { return nil }

func (e *Emulator) registerLambda() {}
