package beacon

import (
	"context"
	"fmt"

	"github.com/shuangsuiji/ssj/draw"
)

// Evidence returns the evidence of a draw's declared sources with every
// drand source's evidence fetched from b and verified (Check): the draw
// step's evidence taken from the source itself. given is the evidence
// someone supplied (e.g. ssj task draw --randomness), one per source in
// declared order, or nil when every source is a drand round. A drand
// source's given evidence must be empty or equal to the fetched one; the
// other sources' evidence is taken from given as it is (the office's draw
// step verifies all of it again). Errors wrap draw.ErrEvidenceMismatch
// for a list that does not fit the sources, and the beacon's errors
// otherwise; they name the source's index.
func Evidence(ctx context.Context, b Beacon, sources []draw.Source, given []draw.Evidence) ([]draw.Evidence, error) {
	if given != nil && len(given) != len(sources) {
		return nil, fmt.Errorf("%w: %d evidence entries for %d declared sources", draw.ErrEvidenceMismatch, len(given), len(sources))
	}
	out := make([]draw.Evidence, len(sources))
	for i, s := range sources {
		if s.Kind != draw.SourceDrand {
			if given == nil {
				return nil, fmt.Errorf("%w: source %d is a %s source: a beacon fetches drand rounds only; give the other sources' evidence too (--randomness)", draw.ErrEvidenceMismatch, i, s.Kind)
			}
			out[i] = given[i]
			continue
		}
		req := Request{Source: SourceDrand, Network: s.Network, Round: s.Round}
		v, err := b.Fetch(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("source %d: %w", i, err)
		}
		if err := Check(req, v); err != nil {
			return nil, fmt.Errorf("source %d: %w", i, err)
		}
		out[i] = v.Evidence()
		if given != nil && !emptyEvidence(given[i]) && !sameEvidence(given[i], out[i]) {
			return nil, fmt.Errorf("%w: source %d (%s): the given evidence differs from the beacon's verified value (randomness %s)",
				draw.ErrEvidenceMismatch, i, req, v.Randomness)
		}
	}
	return out, nil
}

func sameEvidence(a, b draw.Evidence) bool {
	return a.Randomness == b.Randomness && a.Signature == b.Signature && len(a.Numbers) == 0 && a.Secret == "" && a.Value == ""
}

func emptyEvidence(e draw.Evidence) bool {
	return e.Randomness == "" && e.Signature == "" && len(e.Numbers) == 0 && e.Secret == "" && e.Value == ""
}
