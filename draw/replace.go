package draw

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shuangsuiji/ssj/internal/canon"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"

	"github.com/shuangsuiji/ssj/internal/jsonin"
)

// GroupsHash returns the hash of a groups state: the lower-case hex
// SHA-256 of the concatenated 32-byte SHA-256 digests of each group's RFC
// 8785 canonical JSON, in record order. It is the state a replacement chain
// starts from and the StateHash each replacement records; hashing group by
// group lets a replacement re-hash only the group it changes.
//
// GroupsHash is ssj-v1's (SHA-256); GroupsHashWith takes the manifest's
// crypto suite.
func GroupsHash(groups []Group) (string, error) {
	return GroupsHashWith(suite.SSJv1, groups)
}

// GroupsHashWith is GroupsHash with crypto suite s's hash (SM3 for
// ssj-v1-sm) for the group digests and their concatenation.
func GroupsHashWith(s suite.Suite, groups []Group) (string, error) {
	hs, err := groupDigests(s, groups)
	if err != nil {
		return "", err
	}
	return digestsHash(s, hs), nil
}

func groupDigest(cs suite.Suite, g Group) ([32]byte, error) {
	b, err := canon.Marshal(g)
	if err != nil {
		return [32]byte{}, err
	}
	return cs.Sum(b), nil
}

func digestsHash(cs suite.Suite, hs [][32]byte) string {
	h := cs.NewHash()
	for i := range hs {
		h.Write(hs[i][:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// replacementBody is a Replacement without its hash member.
type replacementBody struct {
	Seq       int           `json:"seq"`
	Target    string        `json:"target"`
	Leaving   string        `json:"leaving"`
	Reason    ReplaceReason `json:"reason"`
	Approver  string        `json:"approver"`
	At        time.Time     `json:"at"`
	Note      string        `json:"note,omitempty"`
	SeatIndex int           `json:"seat_index"`
	Newcomer  Seat          `json:"newcomer"`
	PrevHash  string        `json:"prev_hash"`
	StateHash string        `json:"state_hash"`
}

// ReplacementHash returns the hash a replacement must carry: the lower-case
// hex SHA-256 of the canonical JSON of r without its hash member.
//
// ReplacementHash is ssj-v1's (SHA-256); ReplacementHashWith takes the
// manifest's crypto suite.
func ReplacementHash(r Replacement) (string, error) {
	return ReplacementHashWith(suite.SSJv1, r)
}

// ReplacementHashWith is ReplacementHash with crypto suite s's hash.
func ReplacementHashWith(s suite.Suite, r Replacement) (string, error) {
	b, err := canon.Marshal(replacementBody{r.Seq, r.Target, r.Leaving, r.Reason, r.Approver, r.At,
		r.Note, r.SeatIndex, r.Newcomer, r.PrevHash, r.StateHash})
	if err != nil {
		return "", fmt.Errorf("draw: hash replacement %d: %w", r.Seq, err)
	}
	return hexSum(s, b), nil
}

// Validate checks a replacement request on its own (rule R18): well-formed
// target and inspector labels, one of the four reasons, an approver and an
// approval time.
func (req ReplacementRequest) Validate() error {
	if err := matchCheckLabel("target", req.Target); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidRequest, err)
	}
	if err := matchCheckLabel("inspector", req.Inspector); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidRequest, err)
	}
	if !req.Reason.Valid() {
		return fmt.Errorf("%w: reason %q is not one of changed_post, work_conflict, health, recusal (R18)", ErrInvalidRequest, req.Reason)
	}
	if strings.TrimSpace(req.Approver) == "" {
		return fmt.Errorf("%w: approver is required: the deputy head in charge (分管负责人) must approve (R18)", ErrInvalidRequest)
	}
	if err := matchCheckLabel("approver", req.Approver); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidRequest, err)
	}
	if req.At.IsZero() {
		return fmt.Errorf("%w: approval time is required (R18)", ErrInvalidRequest)
	}
	if strings.ContainsFunc(req.Note, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f }) {
		return fmt.Errorf("%w: note holds a control character", ErrInvalidRequest)
	}
	return nil
}

// DecodeReplacementRequest reads one replacement request as a JSON object
// with the members target, inspector, reason, approver, at (RFC 3339) and
// optionally note. Unknown members and trailing data are refused, and the
// request is validated.
func DecodeReplacementRequest(r io.Reader) (ReplacementRequest, error) {
	var req ReplacementRequest
	if err := jsonin.ReadAll(r, 0, &req, jsonin.Options{}); err != nil {
		return ReplacementRequest{}, fmt.Errorf("%w: decode: %w", ErrInvalidRequest, err)
	}
	if err := req.Validate(); err != nil {
		return ReplacementRequest{}, err
	}
	return req, nil
}

// ApplyReplacement draws the newcomer for one replacement request (DRAW.md
// §6, rule R18) and returns the replacement to append and the groups as
// they stand after it. groups are the published initial groups and prior
// the replacements already appended; prior is replayed first and must
// match (a *MatchDiffError otherwise). groups themselves are not re-matched
// here: VerifyMatching does that.
//
// The newcomer is the best-ranked inspector for the target who is eligible
// (as in Match, with the cap counted over the current groups), not in the
// group, and has not left this target's group before (the leaving inspector
// included); a leader seat needs a leader-eligible inspector of the
// launching department and a department seat an inspector of that
// department (with spec.ItemDepartments, holding that department's items,
// rule R20). The home pool is tried first, then the fallback pool.
//
// ApplyReplacement is ssj-v1's; ApplyReplacementWith takes the manifest's
// crypto suite.
func ApplyReplacement(k Key, home, fallback []registry.Inspector, spec MatchSpec, groups []Group, prior []Replacement, req ReplacementRequest) (Replacement, []Group, error) {
	return ApplyReplacementWith(suite.SSJv1, k, home, fallback, spec, groups, prior, req)
}

// ApplyReplacementWith is ApplyReplacement under crypto suite s: ranks,
// group digests and hashes of s (HMAC-SM3 and SM3 for ssj-v1-sm).
func ApplyReplacementWith(s suite.Suite, k Key, home, fallback []registry.Inspector, spec MatchSpec, groups []Group, prior []Replacement, req ReplacementRequest) (Replacement, []Group, error) {
	if err := req.Validate(); err != nil {
		return Replacement{}, nil, err
	}
	rp, err := newReplayer(s, k, home, fallback, spec, groups)
	if err != nil {
		return Replacement{}, nil, err
	}
	if _, err := rp.replay(prior); err != nil {
		return Replacement{}, nil, err
	}
	rep, err := rp.apply(req)
	if err != nil {
		return Replacement{}, nil, err
	}
	return rep, rp.cur, nil
}

// VerifyMatching recomputes the initial groups from the pools and the
// spec, compares them with the published groups, then replays every
// published replacement and compares it. It returns nil when everything
// matches, a *MatchDiffError naming the first difference, or the error
// that made recomputation impossible.
//
// VerifyMatching is ssj-v1's; VerifyMatchingWith takes the manifest's
// crypto suite.
func VerifyMatching(k Key, targets []string, home, fallback []registry.Inspector, spec MatchSpec, groups []Group, replacements []Replacement) error {
	return VerifyMatchingWith(suite.SSJv1, k, targets, home, fallback, spec, groups, replacements)
}

// VerifyMatchingWith is VerifyMatching under crypto suite s.
func VerifyMatchingWith(s suite.Suite, k Key, targets []string, home, fallback []registry.Inspector, spec MatchSpec, groups []Group, replacements []Replacement) error {
	_, err := verifyMatching(s, k, targets, home, fallback, spec, groups, replacements)
	return err
}

// verifyMatching is VerifyMatching; it also returns the recomputed
// replacements.
func verifyMatching(cs suite.Suite, k Key, targets []string, home, fallback []registry.Inspector, spec MatchSpec, groups []Group, replacements []Replacement) ([]Replacement, error) {
	want, err := MatchWith(cs, k, targets, home, fallback, spec)
	if err != nil {
		return nil, fmt.Errorf("draw: verify matching: recompute groups: %w", err)
	}
	if err := diffGroups("groups", want, groups); err != nil {
		return nil, err
	}
	rp, err := newReplayer(cs, k, home, fallback, spec, want)
	if err != nil {
		return nil, err
	}
	return rp.replay(replacements)
}

// CurrentGroups applies published replacements to the published initial
// groups without the pools: it checks the hash chain (prev_hash, state_hash,
// hash) and that each leaving inspector held the named seat, and returns the
// groups as they now stand. It does not check that the newcomers were drawn
// correctly; VerifyMatching does.
//
// CurrentGroups is ssj-v1's; CurrentGroupsWith takes the manifest's crypto
// suite.
func CurrentGroups(groups []Group, replacements []Replacement) ([]Group, error) {
	return CurrentGroupsWith(suite.SSJv1, groups, replacements)
}

// CurrentGroupsWith is CurrentGroups with the hashes of crypto suite s.
func CurrentGroupsWith(s suite.Suite, groups []Group, replacements []Replacement) ([]Group, error) {
	cur := slices.Clone(groups)
	digests, err := groupDigests(s, groups)
	if err != nil {
		return nil, err
	}
	prev := digestsHash(s, digests)
	for i, r := range replacements {
		path := "replacements[" + strconv.Itoa(i) + "]"
		if r.Seq != i+1 {
			return nil, &MatchDiffError{path + ".seq", strconv.Itoa(i + 1), strconv.Itoa(r.Seq)}
		}
		if r.PrevHash != prev {
			return nil, &MatchDiffError{path + ".prev_hash", prev, r.PrevHash}
		}
		gi := slices.IndexFunc(cur, func(g Group) bool { return g.Target == r.Target })
		if gi < 0 {
			return nil, fmt.Errorf("%w: %s: target %q has no group", ErrInvalidRequest, path, r.Target)
		}
		g := cur[gi]
		if r.SeatIndex < 0 || r.SeatIndex >= len(g.Seats) || g.Seats[r.SeatIndex].Cert != r.Leaving {
			return nil, fmt.Errorf("%w: %s: inspector %q does not hold seat %d of target %q", ErrInvalidRequest, path, r.Leaving, r.SeatIndex, r.Target)
		}
		g.Seats = slices.Clone(g.Seats)
		g.Seats[r.SeatIndex] = r.Newcomer
		cur[gi] = g
		if digests[gi], err = groupDigest(s, g); err != nil {
			return nil, fmt.Errorf("draw: %s: hash group: %w", path, err)
		}
		if sh := digestsHash(s, digests); r.StateHash != sh {
			return nil, &MatchDiffError{path + ".state_hash", sh, r.StateHash}
		}
		h, err := ReplacementHashWith(s, r)
		if err != nil {
			return nil, err
		}
		if r.Hash != h {
			return nil, &MatchDiffError{path + ".hash", h, r.Hash}
		}
		prev = h
	}
	return cur, nil
}

// replayer holds the current state of a replacement chain.
type replayer struct {
	m        *matcher
	cur      []Group
	byTarget map[string]int
	departed map[string][]string
	digests  [][32]byte // per-group digests of cur
	prevHash string
	seq      int
}

func newReplayer(cs suite.Suite, k Key, home, fallback []registry.Inspector, spec MatchSpec, groups []Group) (*replayer, error) {
	m, err := newMatcher(cs, k, home, fallback, spec)
	if err != nil {
		return nil, err
	}
	rp := &replayer{m: m, cur: slices.Clone(groups), byTarget: make(map[string]int, len(groups)), departed: map[string][]string{}}
	for gi, g := range groups {
		if _, dup := rp.byTarget[g.Target]; dup {
			return nil, fmt.Errorf("%w: groups[%d]: target %q has two groups", ErrInvalidMatch, gi, g.Target)
		}
		rp.byTarget[g.Target] = gi
		for si, s := range g.Seats {
			pi, idx, ok := m.find(s.Cert)
			if !ok {
				return nil, fmt.Errorf("%w: groups[%d].seats[%d]: inspector %q is in neither pool", ErrInvalidMatch, gi, si, s.Cert)
			}
			m.pools[pi].seats[idx]++
		}
	}
	if rp.digests, err = groupDigests(cs, groups); err != nil {
		return nil, err
	}
	rp.prevHash = digestsHash(cs, rp.digests)
	return rp, nil
}

func groupDigests(cs suite.Suite, groups []Group) ([][32]byte, error) {
	hs := make([][32]byte, len(groups))
	for i := range groups {
		h, err := groupDigest(cs, groups[i])
		if err != nil {
			return nil, fmt.Errorf("draw: hash groups[%d]: %w", i, err)
		}
		hs[i] = h
	}
	return hs, nil
}

// find locates an inspector by certificate number.
func (m *matcher) find(cert string) (pool, idx int, ok bool) {
	for pi, p := range m.pools {
		i, found := slices.BinarySearchFunc(p.ins, cert, func(in registry.Inspector, s string) int {
			return bytes.Compare([]byte(in.Cert), []byte(s))
		})
		if found {
			return pi, i, true
		}
	}
	return 0, 0, false
}

// replay applies published replacements in order, comparing each with its
// recomputation.
// It returns the recomputed replacements.
func (rp *replayer) replay(reps []Replacement) ([]Replacement, error) {
	out := make([]Replacement, 0, len(reps))
	for i, p := range reps {
		path := "replacements[" + strconv.Itoa(i) + "]"
		got, err := rp.apply(ReplacementRequest{Target: p.Target, Inspector: p.Leaving, Reason: p.Reason,
			Approver: p.Approver, At: p.At, Note: p.Note})
		if err != nil {
			return nil, fmt.Errorf("draw: verify matching: %s: %w", path, err)
		}
		if err := diffReplacement(path, got, p); err != nil {
			return nil, err
		}
		out = append(out, got)
	}
	return out, nil
}

// apply draws the newcomer for req against the current state.
func (rp *replayer) apply(req ReplacementRequest) (Replacement, error) {
	if err := req.Validate(); err != nil {
		return Replacement{}, err
	}
	m := rp.m
	gi, ok := rp.byTarget[req.Target]
	if !ok {
		return Replacement{}, fmt.Errorf("%w: target %q has no group", ErrInvalidRequest, req.Target)
	}
	g := rp.cur[gi]
	si := slices.IndexFunc(g.Seats, func(s Seat) bool { return s.Cert == req.Inspector })
	if si < 0 {
		return Replacement{}, fmt.Errorf("%w: inspector %q holds no seat at target %q", ErrInvalidRequest, req.Inspector, req.Target)
	}
	q := m.reqFor(g.Seats[si], si)

	ts := tstate{target: req.Target, blk: m.enter(req.Target)}
	departed := append(slices.Clone(rp.departed[req.Target]), req.Inspector)
	for _, c := range departed {
		m.block(c, ExclDeparted, &ts.blk)
	}
	for j, s := range g.Seats {
		pi, idx, ok := m.find(s.Cert)
		if !ok {
			return Replacement{}, fmt.Errorf("%w: target %q seat %d: inspector %q is in neither pool", ErrInvalidMatch, req.Target, j, s.Cert)
		}
		m.pools[pi].seated[idx] = m.stamp
		if j == si {
			m.pools[pi].seats[idx]--
		}
	}
	ts.excl[0] = ts.blk[0]
	ts.cands[0] = m.candidates(nil, m.pools[0], req.Target, nil, &ts.excl[0])
	s, err := m.fill(&ts, q)
	if err != nil {
		return Replacement{}, fmt.Errorf("draw: replace %q at target %q: %w", req.Inspector, req.Target, err)
	}
	g.Seats = slices.Clone(g.Seats)
	g.Seats[si] = s
	rp.cur[gi] = g
	rp.departed[req.Target] = departed
	rep := Replacement{Seq: rp.seq + 1, Target: req.Target, Leaving: req.Inspector, Reason: req.Reason,
		Approver: req.Approver, At: req.At, Note: req.Note, SeatIndex: si, Newcomer: s, PrevHash: rp.prevHash}
	if rp.digests[gi], err = groupDigest(rp.m.cs, g); err != nil {
		return Replacement{}, fmt.Errorf("draw: replace at target %q: hash group: %w", req.Target, err)
	}
	rep.StateHash = digestsHash(rp.m.cs, rp.digests)
	if rep.Hash, err = ReplacementHashWith(rp.m.cs, rep); err != nil {
		return Replacement{}, err
	}
	rp.prevHash = rep.Hash
	rp.seq++
	return rep, nil
}

func diffGroups(path string, want, got []Group) error {
	if len(want) != len(got) {
		return &MatchDiffError{path + " (count)", strconv.Itoa(len(want)), strconv.Itoa(len(got))}
	}
	for i := range want {
		w, g := &want[i], &got[i]
		p := path + "[" + strconv.Itoa(i) + "]"
		if w.Target != g.Target {
			return &MatchDiffError{p + ".target", w.Target, g.Target}
		}
		if err := diffStrings(p+".items", w.Items, g.Items); err != nil {
			return err
		}
		if len(w.Seats) != len(g.Seats) {
			return &MatchDiffError{p + ".seats (count)", strconv.Itoa(len(w.Seats)), strconv.Itoa(len(g.Seats))}
		}
		for j := range w.Seats {
			if err := diffSeat(p+".seats["+strconv.Itoa(j)+"]", w.Seats[j], g.Seats[j]); err != nil {
				return err
			}
		}
		if w.Eligible != g.Eligible {
			return &MatchDiffError{p + ".eligible", strconv.Itoa(w.Eligible), strconv.Itoa(g.Eligible)}
		}
		if err := diffCounts(p+".exclusions", w.Exclusions, g.Exclusions); err != nil {
			return err
		}
		if err := diffCounts(p+".fallback_exclusions", w.FallbackExclusions, g.FallbackExclusions); err != nil {
			return err
		}
	}
	return nil
}

func diffStrings(path string, want, got []string) error {
	if len(want) != len(got) {
		return &MatchDiffError{path + " (count)", strconv.Itoa(len(want)), strconv.Itoa(len(got))}
	}
	for i := range want {
		if want[i] != got[i] {
			return &MatchDiffError{path + "[" + strconv.Itoa(i) + "]", want[i], got[i]}
		}
	}
	return nil
}

func diffCounts(path string, want, got []ReasonCount) error {
	if (want == nil) != (got == nil) {
		return &MatchDiffError{path, presentCounts(want), presentCounts(got)}
	}
	if len(want) != len(got) {
		return &MatchDiffError{path + " (count)", strconv.Itoa(len(want)), strconv.Itoa(len(got))}
	}
	for i := range want {
		p := path + "[" + strconv.Itoa(i) + "]"
		if want[i].Reason != got[i].Reason {
			return &MatchDiffError{p + ".reason", string(want[i].Reason), string(got[i].Reason)}
		}
		if want[i].Count != got[i].Count {
			return &MatchDiffError{p + ".count", strconv.Itoa(want[i].Count), strconv.Itoa(got[i].Count)}
		}
	}
	return nil
}

func diffSeat(p string, w, g Seat) error {
	for _, f := range [...]struct{ name, w, g string }{
		{"cert", w.Cert, g.Cert},
		{"department", w.Department, g.Department},
		{"role", string(w.Role), string(g.Role)},
		{"kind", string(w.Kind), string(g.Kind)},
		{"seat_department", w.SeatDepartment, g.SeatDepartment},
		{"rank", w.Rank, g.Rank},
		{"from_fallback", strconv.FormatBool(w.FromFallback), strconv.FormatBool(g.FromFallback)},
	} {
		if f.w != f.g {
			return &MatchDiffError{p + "." + f.name, f.w, f.g}
		}
	}
	return diffStrings(p+".items", w.Items, g.Items)
}

func diffReplacement(p string, w, g Replacement) error {
	if w.Seq != g.Seq {
		return &MatchDiffError{p + ".seq", strconv.Itoa(w.Seq), strconv.Itoa(g.Seq)}
	}
	if w.SeatIndex != g.SeatIndex {
		return &MatchDiffError{p + ".seat_index", strconv.Itoa(w.SeatIndex), strconv.Itoa(g.SeatIndex)}
	}
	if err := diffSeat(p+".newcomer", w.Newcomer, g.Newcomer); err != nil {
		return err
	}
	for _, f := range [...]struct{ name, w, g string }{
		{"prev_hash", w.PrevHash, g.PrevHash},
		{"state_hash", w.StateHash, g.StateHash},
		{"hash", w.Hash, g.Hash},
	} {
		if f.w != f.g {
			return &MatchDiffError{p + "." + f.name, f.w, f.g}
		}
	}
	return nil
}

// presentCounts names a count list's presence for a MatchDiffError: an
// absent fallback_exclusions and an empty one are different records.
func presentCounts(c []ReasonCount) string {
	if c == nil {
		return "absent"
	}
	if len(c) == 0 {
		return "[]"
	}
	return "present"
}
