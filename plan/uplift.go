package plan

import "github.com/shuangsuiji/ssj/draw"

// Uplift is a task's declared credit-class uplift (rule R12: entities with
// many complaints, on the abnormal-operations list 经营异常名录 or with
// serious violations 严重违法失信 are sampled more intensely). It is the
// draw manifest's rule itself (draw.Uplift, docs/draw-spec.md §5): the plan
// applies it to estimate each class's pool and draws, and DrawInput hands
// it on to the draw, so the plan's estimate and the draw's strata cannot
// disagree about a target's class.
type Uplift = draw.Uplift
