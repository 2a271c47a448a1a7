package main

import (
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/shuangsuiji/ssj/draw"
)

// replaceReasons maps the Chinese names used in approval forms to the reason
// codes of rule R18.
var replaceReasons = map[string]draw.ReplaceReason{
	"岗位调整": draw.ReplaceChangedPost,
	"工作冲突": draw.ReplaceWorkConflict,
	"身体健康": draw.ReplaceHealth,
	"执行回避": draw.ReplaceRecusal,
}

// drawReplace appends one approved replacement (rule R18) to a record.
func drawReplace(e *env, fs *pflag.FlagSet) func([]string) int {
	f := newDrawFlags(fs)
	target := fs.String("target", "", "the target whose group changes (its `ID`)")
	leaving := fs.String("inspector", "", "certificate number (执法证号) of the inspector leaving, `CERT`")
	reason := fs.String("reason", "", "`REASON`: changed_post (岗位调整), work_conflict (工作冲突), health (身体健康) or recusal (执行回避)")
	approver := fs.String("approver", "", "the deputy head in charge (分管负责人) who approved, `NAME`")
	at := fs.String("at", "", "approval time, `RFC3339`, e.g. 2026-09-20T10:00:00+08:00")
	note := fs.String("note", "", "free `TEXT`, e.g. the interest that came to light")
	af := newApprovalFlags(fs, false)
	required(fs, "inspectors", "target", "inspector", "reason", "approver", "at")
	return func(pos []string) int {
		return drawReplaceRun(e, f, af, pos, target, leaving, reason, approver, at, note)
	}
}

func drawReplaceRun(e *env, f drawFlags, af approvalFlags, pos []string, target, leaving, reason, approver, at, note *string) int {
	if len(pos) != 1 {
		return usageError(e, "draw replace: want exactly one RECORD argument, got %d", len(pos))
	}
	if *f.inspectors == "" || *target == "" || *leaving == "" || *reason == "" || *approver == "" || *at == "" {
		return usageError(e, "draw replace: RECORD, --inspectors, --target, --inspector, --reason, --approver and --at are all required (R18)")
	}
	when, err := time.Parse(time.RFC3339, *at)
	if err != nil {
		return usageError(e, "draw replace: --at %q: want RFC 3339, e.g. 2026-09-20T10:00:00+08:00", *at)
	}
	why := draw.ReplaceReason(*reason)
	if r, ok := replaceReasons[*reason]; ok {
		why = r
	}
	req := draw.ReplacementRequest{Target: *target, Inspector: *leaving, Reason: why, Approver: *approver, At: when, Note: *note}
	if err := req.Validate(); err != nil {
		return usageError(e, "draw replace: %v", err)
	}
	signer, ring, err := af.load(*approver)
	if err != nil {
		return inputError(e, fmt.Errorf("draw replace: %w", err))
	}
	rf, err := openDoc(pos[0])
	if err != nil {
		return inputError(e, fmt.Errorf("draw replace: %w", err))
	}
	rec, err := draw.DecodeRecord(rf)
	rf.Close()
	if err != nil {
		return inputError(e, fmt.Errorf("draw replace: %s: %w", pos[0], err))
	}
	pools, err := readPools(e, *f.inspectors, *f.fallback)
	if err != nil {
		return inputError(e, fmt.Errorf("draw replace: %w", err))
	}
	next, err := draw.AddReplacementSigned(rec, pools, req, signer)
	if err == nil && signer != nil && ring != nil {
		// A key not the approver's, not a deputy head's, or rotated out
		// before --at does not sign (rule R18).
		err = draw.VerifyApproval(next.Replacements[len(next.Replacements)-1], ring)
	}
	if err != nil {
		// The request was well formed; the record or pools refuse it (the
		// inspector is not seated there, no eligible newcomer, pools differ
		// from the manifest's commitment...).
		fmt.Fprintf(e.stderr, "ssj: draw replace: %s: %v\n", pos[0], err)
		return exitProblem
	}
	w, err := emitRecord(e, *f.out, &next)
	if err != nil {
		return inputError(e, fmt.Errorf("draw replace: %w", err))
	}
	r := next.Replacements[len(next.Replacements)-1]
	if *f.asJSON {
		return writeOrFail(&env{stdout: w, stderr: e.stderr}, r)
	}
	fmt.Fprintf(w, "replacement %d on %s: %s leaves (%s, approved by %s at %s)\n",
		r.Seq, r.Target, r.Leaving, r.Reason, r.Approver, r.At.Format(time.RFC3339))
	fmt.Fprintf(w, "newcomer %s %s as %s (seat %d, rank %s)\n", r.Newcomer.Cert, r.Newcomer.Department, r.Newcomer.Role, r.SeatIndex, r.Newcomer.Rank)
	fmt.Fprintf(w, "hash %s (prev %s)\n", r.Hash, r.PrevHash)
	if r.Approval != nil {
		fmt.Fprintf(w, "approval signed by %s with %s\n", r.Approval.Signer, r.Approval.KeyID)
	}
	if next.Lock != nil {
		anc, err := draw.AnchorOf(&next)
		if err != nil {
			return inputError(e, err)
		}
		fmt.Fprintf(w, "anchor %s (%d replacements; announce it: ssj verify --anchor checks it)\n", anc.Hash, anc.Replacements)
	}
	return exitOK
}
