package source

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/execgraph/execgraph/internal/apperr"
)

// knownRegions are the regions of the partitions the pinned SDK knows
// (aws-sdk-go-v2 v1.47.7, internal/endpoints/awsrulesfn/partitions.json:
// aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f,
// aws-eusc), without the "-global" pseudo-regions. Regions AWS opens later
// are accepted once -regions names them.
var knownRegions = []string{
	"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
	"ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2",
	"eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
	"cn-north-1", "cn-northwest-1",
	"us-gov-east-1", "us-gov-west-1",
	"us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "us-isob-west-1", "eu-isoe-west-1", "us-isof-east-1", "us-isof-south-1",
	"eusc-de-east-1",
}

// regionShape is the form of a region name in every partition.
var regionShape = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$`)

// Regions is the set of regions requests may name, so that SDK clients,
// one per service and region, stay bounded.
type Regions struct {
	names []string
}

// NewRegions returns the regions named (default: every region of the
// built-in table). A name that is not of the form of AWS region names is an
// error, and so is a default region that is not one of the set (a typo
// such as us-est-1 is caught at start-up, not at the first request).
func NewRegions(named []string, defaultRegion string) (Regions, error) {
	names := slices.Clone(named)
	if len(names) == 0 {
		names = slices.Clone(knownRegions)
	}
	for _, n := range names {
		if !regionShape.MatchString(n) {
			return Regions{}, fmt.Errorf("-regions: %q is not an AWS region name (such as us-east-1)", n)
		}
	}
	slices.Sort(names)
	r := Regions{names: slices.Compact(names)}
	if defaultRegion != "" {
		if _, ok := slices.BinarySearch(r.names, defaultRegion); !ok {
			return Regions{}, fmt.Errorf("region %q is not one of the regions served: check its spelling (such as us-east-1), or name it in -regions", defaultRegion)
		}
	}
	return r, nil
}

// Check returns BAD_USER_INPUT for a region that is not one of the set.
func (r Regions) Check(region string) error {
	if _, ok := slices.BinarySearch(r.names, region); !ok {
		hint := ""
		if regionShape.MatchString(region) {
			hint = " (if AWS opened it after this build, name it in -regions)"
		}
		return apperr.New(apperr.BadUserInput, "region %s is not a region this gateway serves%s", apperr.Quote(region), hint)
	}
	return nil
}

// Names returns the regions, sorted.
func (r Regions) Names() []string { return slices.Clone(r.names) }

// String lists the regions.
func (r Regions) String() string { return strings.Join(r.names, ",") }
