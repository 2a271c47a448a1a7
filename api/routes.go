package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"time"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/plan"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/trail"
)

// Version is the API version in every path (/api/v1/).
const Version = "v1"

const base = "/api/" + Version

var staff = []Role{RoleOperator, RoleApprover, RoleAuditor}

func (s *Server) apiRoutes() []Route {
	pub := []Role(nil)
	return []Route{
		{"GET", base + "/{$}", pub, s.getIndex},
		{"GET", base + "/me", pub, s.getMe},
		{"GET", base + "/tasks", pub, s.listTasks},
		{"GET", base + "/tasks/{id}", pub, s.getTask},
		{"GET", base + "/tasks/{id}/record", pub, s.getRecord},
		{"GET", base + "/tasks/{id}/announcement", pub, s.getAnnouncement},
		{"GET", base + "/tasks/{id}/bundle", pub, s.getBundle},
		{"GET", base + "/tasks/{id}/bundle/{name}", pub, s.getBundleFile},
		{"GET", base + "/tasks/{id}/notices", staff, s.listNotices},
		{"POST", base + "/tasks/{id}/lock", []Role{RoleApprover}, s.postLock},
		{"GET", base + "/results", pub, s.listPublished},
		{"GET", base + "/results/{id}", pub, s.getPublished},
		{"GET", base + "/entries", staff, s.listEntries},
		{"GET", base + "/entries/{id}", staff, s.getEntry},
		{"POST", base + "/entries", []Role{RoleOperator}, s.postEntry},
		{"POST", base + "/entries/{id}/review", []Role{RoleApprover}, s.postReview},
		{"POST", base + "/entries/{id}/release", []Role{RoleOperator}, s.postRelease},
		{"POST", base + "/entries/{id}/follow-ups", []Role{RoleOperator}, s.postFollowUp},
		{"GET", base + "/snapshots", pub, s.listSnapshots},
		{"GET", base + "/snapshots/{id}", pub, s.getSnapshot},
		{"GET", base + "/snapshots/{id}/rows", pub, s.listRows},
		{"GET", base + "/checklist", pub, s.getChecklist},
		{"GET", base + "/plans", pub, s.listPlans},
		{"GET", base + "/plans/{year}", pub, s.getPlan},
		{"GET", base + "/plans/{year}/check", pub, s.getPlanCheck},
		{"GET", base + "/reports", pub, s.listReports},
		{"GET", base + "/reports/{id}", pub, s.getReport},
		{"GET", base + "/trail", []Role{RoleAuditor}, s.listTrail},
		{"GET", base + "/audit", []Role{RoleAuditor}, s.getAudit},
		{"POST", base + "/blobs", []Role{RoleOperator}, s.postBlob},
		{"GET", base + "/blobs/{sha256}", staff, s.getBlob},
	}
}

// pathID reads and checks a path parameter.
func pathID(w http.ResponseWriter, r *http.Request, name string) (string, bool) {
	id := r.PathValue(name)
	if err := CheckID(name, id); err != nil {
		inputProblem(w, err)
		return "", false
	}
	return id, true
}

func (s *Server) getIndex(w http.ResponseWriter, r *http.Request, p Principal) {
	send(w, r, http.StatusOK, map[string]any{"api": Version, "openapi": "docs/openapi.yaml",
		"published_results": base + "/results", "tasks": base + "/tasks"}, false)
}

func (s *Server) getMe(w http.ResponseWriter, r *http.Request, p Principal) {
	send(w, r, http.StatusOK, p, false)
}

// TaskSummary is one task in the task list.
type TaskSummary struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	CommitTime time.Time `json:"commit_time"`
	// State is launched, committed, drawn, locked or dispatched.
	State string `json:"state"`
}

func (s *Server) taskState(r *http.Request, id string) (string, error) {
	ctx := r.Context()
	if _, err := s.o.Manifest(ctx, id); errors.Is(err, office.ErrNotFound) {
		return "launched", nil
	} else if err != nil {
		return "", err
	}
	rec, err := s.o.Record(ctx, id)
	if errors.Is(err, office.ErrNotFound) {
		return "committed", nil
	} else if err != nil {
		return "", err
	}
	if rec.Lock == nil {
		return "drawn", nil
	}
	if _, err := s.o.Announcement(ctx, id); errors.Is(err, office.ErrNotFound) {
		return "locked", nil
	} else if err != nil {
		return "", err
	}
	return "dispatched", nil
}

func (s *Server) listTasks(w http.ResponseWriter, r *http.Request, p Principal) {
	after, limit, err := pageParams(r)
	if err != nil {
		inputProblem(w, err)
		return
	}
	tasks, next, err := s.o.Tasks(r.Context(), after, limit)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	out := page[TaskSummary]{Items: []TaskSummary{}, Next: next}
	for _, t := range tasks {
		st, err := s.taskState(r, t.ID)
		if err != nil {
			s.officeProblem(w, err)
			return
		}
		out.Items = append(out.Items, TaskSummary{ID: t.ID, Name: t.Name, CommitTime: t.CommitTime, State: st})
	}
	send(w, r, http.StatusOK, out, true)
}

// TaskView is a task with everything public about it: the manifest and
// the snapshots it was committed over, the draw record (selection with
// strata, inspector groups as they stand after replacements), and the
// announcement once dispatched.
type TaskView struct {
	Task         draw.Task              `json:"task"`
	State        string                 `json:"state"`
	Manifest     *office.StoredManifest `json:"manifest,omitempty"`
	ManifestHash string                 `json:"manifest_hash,omitempty"`
	Record       *draw.Record           `json:"record,omitempty"`
	Groups       []draw.Group           `json:"current_groups,omitempty"`
	Announcement *publish.Document      `json:"announcement,omitempty"`
}

func (s *Server) getTask(w http.ResponseWriter, r *http.Request, p Principal) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	var v TaskView
	var err error
	if v.Task, err = s.o.Task(ctx, id); err != nil {
		s.officeProblem(w, err)
		return
	}
	if v.State, err = s.taskState(r, id); err != nil {
		s.officeProblem(w, err)
		return
	}
	if v.State != "launched" {
		m, err := s.o.Manifest(ctx, id)
		if err != nil {
			s.officeProblem(w, err)
			return
		}
		v.Manifest = &m
		if h, err := m.Manifest.Hash(); err == nil {
			v.ManifestHash = fmt.Sprintf("%x", h)
		}
	}
	if v.State == "drawn" || v.State == "locked" || v.State == "dispatched" {
		rec, err := s.o.Record(ctx, id)
		if err != nil {
			s.officeProblem(w, err)
			return
		}
		v.Record = &rec
		if v.Groups, err = rec.CurrentGroups(); err != nil {
			s.officeProblem(w, err)
			return
		}
	}
	if v.State == "dispatched" {
		a, err := s.o.Announcement(ctx, id)
		if err != nil {
			s.officeProblem(w, err)
			return
		}
		v.Announcement = &a
	}
	send(w, r, http.StatusOK, v, true)
}

func (s *Server) getRecord(w http.ResponseWriter, r *http.Request, p Principal) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	rec, err := s.o.Record(r.Context(), id)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	b, err := draw.MarshalRecord(&rec)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	sendBytes(w, r, http.StatusOK, "application/json", b, true)
}

func (s *Server) getAnnouncement(w http.ResponseWriter, r *http.Request, p Principal) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	d, err := s.o.Announcement(r.Context(), id)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	send(w, r, http.StatusOK, d, true)
}

// BundleIndex lists the files of a task's public bundle.
type BundleIndex struct {
	Task  string   `json:"task"`
	Files []string `json:"files"`
}

func (s *Server) getBundle(w http.ResponseWriter, r *http.Request, p Principal) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	files, err := s.o.Bundle(r.Context(), id)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	idx := BundleIndex{Task: id, Files: []string{}}
	for _, f := range files {
		idx.Files = append(idx.Files, f.Name)
	}
	send(w, r, http.StatusOK, idx, true)
}

func (s *Server) getBundleFile(w http.ResponseWriter, r *http.Request, p Principal) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	name, ok := pathID(w, r, "name")
	if !ok {
		return
	}
	files, err := s.o.Bundle(r.Context(), id)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	for _, f := range files {
		if f.Name == name {
			ctype := mime.TypeByExtension(path.Ext(name))
			switch path.Ext(name) {
			case ".jsonl":
				ctype = "application/jsonl"
			case ".json":
				ctype = "application/json"
			case ".csv":
				ctype = "text/csv; charset=utf-8"
			case ".txt":
				ctype = "text/plain; charset=utf-8"
			}
			sendBytes(w, r, http.StatusOK, ctype, f.Data, true)
			return
		}
	}
	problem(w, http.StatusNotFound, "not-found", "not found", fmt.Sprintf("task %s's bundle has no file %s", id, name), "name", name)
}

func (s *Server) listNotices(w http.ResponseWriter, r *http.Request, p Principal) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	rec, err := s.o.Record(r.Context(), id)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	out := page[office.Notice]{Items: []office.Notice{}}
	for _, sel := range rec.Selected {
		n, err := s.o.Notice(r.Context(), id, sel.Target)
		if errors.Is(err, office.ErrNotFound) {
			continue
		} else if err != nil {
			s.officeProblem(w, err)
			return
		}
		out.Items = append(out.Items, n)
	}
	send(w, r, http.StatusOK, out, false)
}

// StepRequest is the body of the step routes that take only a note.
type StepRequest struct {
	Note string `json:"note,omitempty"`
}

func (s *Server) step(p Principal) office.Step { return office.Step{Who: p.Name} }

// decodeBody decodes an optional body: empty is the zero value.
func (s *Server) decodeOptional(w http.ResponseWriter, r *http.Request, v any) bool {
	if r.ContentLength == 0 {
		return true
	}
	return s.decode(w, r, v)
}

func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "text/plain") {
			problem(w, http.StatusUnsupportedMediaType, "media-type", "unsupported media type", "want Content-Type: application/json", "Content-Type", ct)
			return false
		}
	}
	if err := Decode(http.MaxBytesReader(w, r.Body, s.maxBody), s.maxBody, v); err != nil {
		inputProblem(w, err)
		return false
	}
	return true
}

func (s *Server) postLock(w http.ResponseWriter, r *http.Request, p Principal) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	var req StepRequest
	if !s.decodeOptional(w, r, &req) {
		return
	}
	rec, err := s.o.Lock(r.Context(), s.step(p), id)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	send(w, r, http.StatusOK, rec.Lock, false)
}

func (s *Server) listPublished(w http.ResponseWriter, r *http.Request, p Principal) {
	after, limit, err := pageParams(r)
	if err != nil {
		inputProblem(w, err)
		return
	}
	rs, next, err := s.o.Results(r.Context(), publish.StatePublished, after, limit)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	out := page[publish.PublicRecord]{Items: make([]publish.PublicRecord, 0, len(rs)), Next: next}
	for _, sr := range rs {
		out.Items = append(out.Items, publish.PublicOf(sr.Entry.Versions[len(sr.Entry.Versions)-1], publish.ViewOptions{}))
	}
	send(w, r, http.StatusOK, out, true)
}

// PublishedResult is one published result: its current version and every
// published version, oldest first (rule R27: corrections are shown, the
// change itself is kept).
type PublishedResult struct {
	Current publish.PublicRecord   `json:"current"`
	History []publish.PublicRecord `json:"history"`
}

func (s *Server) getPublished(w http.ResponseWriter, r *http.Request, p Principal) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	sr, err := s.o.Result(r.Context(), id)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	if sr.Entry.State != publish.StatePublished {
		// Entered and withheld results are not public (rule R26): the same
		// answer as an unknown ID.
		problem(w, http.StatusNotFound, "not-found", "not found", "no published result "+id, "id", id)
		return
	}
	b := publish.Book{Entries: []publish.Entry{sr.Entry}}
	hist, err := b.PublicHistory(id, publish.ViewOptions{})
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	send(w, r, http.StatusOK, PublishedResult{Current: hist[len(hist)-1], History: hist}, true)
}

func (s *Server) listEntries(w http.ResponseWriter, r *http.Request, p Principal) {
	after, limit, err := pageParams(r)
	if err != nil {
		inputProblem(w, err)
		return
	}
	st := publish.State(r.URL.Query().Get("state"))
	switch st {
	case "", publish.StateEntered, publish.StatePublished, publish.StateWithheld:
	default:
		inputProblem(w, &FieldError{Status: http.StatusBadRequest, Field: "state", Value: string(st), Msg: "want entered, published or withheld"})
		return
	}
	rs, next, err := s.o.Results(r.Context(), st, after, limit)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	if rs == nil {
		rs = []office.StoredResult{}
	}
	send(w, r, http.StatusOK, page[office.StoredResult]{Items: rs, Next: next}, false)
}

func (s *Server) getEntry(w http.ResponseWriter, r *http.Request, p Principal) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	sr, err := s.o.Result(r.Context(), id)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	send(w, r, http.StatusOK, sr, false)
}

func (s *Server) postEntry(w http.ResponseWriter, r *http.Request, p Principal) {
	var res publish.Result
	if !s.decode(w, r, &res) {
		return
	}
	if err := CheckID("id", res.ID); err != nil {
		inputProblem(w, err)
		return
	}
	en, err := s.o.EnterResult(r.Context(), s.step(p), res)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	w.Header().Set("Location", base+"/entries/"+pathEscape(res.ID))
	send(w, r, http.StatusCreated, en, false)
}

func (s *Server) postReview(w http.ResponseWriter, r *http.Request, p Principal) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	var req StepRequest
	if !s.decodeOptional(w, r, &req) {
		return
	}
	if err := s.o.ReviewResult(r.Context(), s.step(p), id, req.Note); err != nil {
		s.officeProblem(w, err)
		return
	}
	s.getEntry(w, r, p)
}

// ReleaseResponse is the answer to a release: the published version and
// its deadline status (rule R26).
type ReleaseResponse struct {
	Version publish.Version        `json:"version"`
	Status  publish.DeadlineStatus `json:"status"`
}

func (s *Server) postRelease(w http.ResponseWriter, r *http.Request, p Principal) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	var req StepRequest
	if !s.decodeOptional(w, r, &req) {
		return
	}
	v, st, err := s.o.Release(r.Context(), s.step(p), id)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	send(w, r, http.StatusOK, ReleaseResponse{Version: v, Status: st}, false)
}

func (s *Server) postFollowUp(w http.ResponseWriter, r *http.Request, p Principal) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	var f publish.FollowUp
	if !s.decode(w, r, &f) {
		return
	}
	if err := s.o.RecordFollowUp(r.Context(), s.step(p), id, f); err != nil {
		s.officeProblem(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// SnapshotView describes one registry snapshot (名录库快照).
type SnapshotView struct {
	ID     string    `json:"id"`
	Pool   string    `json:"pool"`
	At     time.Time `json:"in_force"`
	Count  int64     `json:"count"`
	Root   string    `json:"root"`
	Digest string    `json:"digest"`
	Event  int64     `json:"event_seq"`
}

func snapView(s office.Snapshot) SnapshotView {
	return SnapshotView{ID: s.ID, Pool: s.Pool, At: s.At, Count: s.Count, Root: s.Root, Digest: s.Digest, Event: s.EventSeq}
}

func (s *Server) listSnapshots(w http.ResponseWriter, r *http.Request, p Principal) {
	after, limit, err := pageParams(r)
	if err != nil {
		inputProblem(w, err)
		return
	}
	ss, next, err := s.o.Snapshots(r.Context(), after, limit)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	out := page[SnapshotView]{Items: []SnapshotView{}, Next: next}
	for _, x := range ss {
		out.Items = append(out.Items, snapView(x))
	}
	send(w, r, http.StatusOK, out, true)
}

func (s *Server) getSnapshot(w http.ResponseWriter, r *http.Request, p Principal) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	x, err := s.o.Snapshot(r.Context(), id)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	send(w, r, http.StatusOK, snapView(x), true)
}

func (s *Server) listRows(w http.ResponseWriter, r *http.Request, p Principal) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	after, limit, err := pageParams(r)
	if err != nil {
		inputProblem(w, err)
		return
	}
	x, err := s.o.Snapshot(r.Context(), id)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	// The whole snapshot is read and checked against its commitment; the
	// page is cut from it.
	var keys []string
	var rows []any
	switch registry.PoolKind(x.Pool) {
	case registry.PoolTargets:
		ts, err := s.o.Targets(r.Context(), id)
		if err != nil {
			s.officeProblem(w, err)
			return
		}
		for _, t := range ts {
			keys, rows = append(keys, t.ID), append(rows, t)
		}
	default:
		ins, err := s.o.Inspectors(r.Context(), id)
		if err != nil {
			s.officeProblem(w, err)
			return
		}
		for _, in := range ins {
			keys, rows = append(keys, in.Cert), append(rows, in)
		}
	}
	out := page[any]{Items: []any{}}
	for i, k := range keys {
		if after != "" && k <= after {
			continue
		}
		if len(out.Items) == limit {
			out.Next = keys[i-1]
			break
		}
		out.Items = append(out.Items, rows[i])
	}
	send(w, r, http.StatusOK, out, true)
}

func (s *Server) getChecklist(w http.ResponseWriter, r *http.Request, p Principal) {
	v, err := s.o.Checklist(r.Context())
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	send(w, r, http.StatusOK, v, true)
}

func (s *Server) listPlans(w http.ResponseWriter, r *http.Request, p Principal) {
	ps, err := s.o.Plans(r.Context())
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	if ps == nil {
		ps = []plan.Plan{}
	}
	send(w, r, http.StatusOK, page[plan.Plan]{Items: ps}, true)
}

func pathYear(w http.ResponseWriter, r *http.Request) (int, bool) {
	v := r.PathValue("year")
	y, err := strconv.Atoi(v)
	if err != nil || y < 1900 || y > 9999 || strconv.Itoa(y) != v {
		inputProblem(w, &FieldError{Status: http.StatusBadRequest, Field: "year", Value: v, Msg: "want a four-digit year"})
		return 0, false
	}
	return y, true
}

func (s *Server) getPlan(w http.ResponseWriter, r *http.Request, p Principal) {
	y, ok := pathYear(w, r)
	if !ok {
		return
	}
	pl, err := s.o.Plan(r.Context(), y)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	send(w, r, http.StatusOK, pl, true)
}

func (s *Server) getPlanCheck(w http.ResponseWriter, r *http.Request, p Principal) {
	y, ok := pathYear(w, r)
	if !ok {
		return
	}
	rep, err := s.o.CheckPlan(r.Context(), y, plan.DefaultConfig())
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	send(w, r, http.StatusOK, struct {
		plan.Report
		OK bool `json:"ok"`
	}{rep, rep.OK()}, true)
}

func (s *Server) listReports(w http.ResponseWriter, r *http.Request, p Principal) {
	after, limit, err := pageParams(r)
	if err != nil {
		inputProblem(w, err)
		return
	}
	rs, next, err := s.o.Reports(r.Context(), after, limit)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	if rs == nil {
		rs = []office.Report{}
	}
	send(w, r, http.StatusOK, page[office.Report]{Items: rs, Next: next}, true)
}

func (s *Server) getReport(w http.ResponseWriter, r *http.Request, p Principal) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	rs, _, err := s.o.Reports(r.Context(), "", office.MaxPage)
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	for _, rep := range rs {
		if rep.ID == id {
			send(w, r, http.StatusOK, rep, true)
			return
		}
	}
	problem(w, http.StatusNotFound, "not-found", "not found", "no summary report "+id, "id", id)
}

func (s *Server) listTrail(w http.ResponseWriter, r *http.Request, p Principal) {
	q := r.URL.Query()
	from, limit := int64(0), DefaultLimit
	if v := q.Get("from"); q.Has("from") {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			inputProblem(w, &FieldError{Status: http.StatusBadRequest, Field: "from", Value: v, Msg: "want a sequence number ≥ 0"})
			return
		}
		from = n
	}
	if v := q.Get("limit"); q.Has("limit") {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > office.MaxPage {
			inputProblem(w, &FieldError{Status: http.StatusBadRequest, Field: "limit", Value: v, Msg: fmt.Sprintf("want an integer from 1 to %d", office.MaxPage)})
			return
		}
		limit = n
	}
	out := page[trail.Event]{Items: []trail.Event{}}
	errFull := errors.New("page full")
	err := s.o.Trail(r.Context(), from, func(ev trail.Event) error {
		if len(out.Items) == limit {
			out.Next = strconv.FormatInt(ev.Seq, 10)
			return errFull
		}
		out.Items = append(out.Items, ev)
		return nil
	})
	if err != nil && !errors.Is(err, errFull) {
		s.officeProblem(w, err)
		return
	}
	send(w, r, http.StatusOK, out, false)
}

func (s *Server) getAudit(w http.ResponseWriter, r *http.Request, p Principal) {
	rep, err := office.Audit(r.Context(), s.o.Store(), office.AuditOptions{})
	if err != nil {
		s.officeProblem(w, err)
		return
	}
	send(w, r, http.StatusOK, rep, false)
}

// BlobReceipt is the answer to an upload: the file's content address, to
// put in an evidence.Attachment of the result.
type BlobReceipt struct {
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	MediaType string `json:"media_type"`
}

func (s *Server) postBlob(w http.ResponseWriter, r *http.Request, p Principal) {
	if s.blobs == nil {
		problem(w, http.StatusNotImplemented, "no-blobs", "evidence uploads are off", "the server was started without a blob directory", "", "")
		return
	}
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		problem(w, http.StatusUnsupportedMediaType, "media-type", "unsupported media type", "send the file's media type, e.g. Content-Type: image/jpeg", "Content-Type", ct)
		return
	}
	sha, size, err := s.blobs.Put(http.MaxBytesReader(w, r.Body, s.maxBlob), s.maxBlob)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			err = &FieldError{Status: http.StatusRequestEntityTooLarge, Field: "body", Value: fmt.Sprintf("%d+ bytes", s.maxBlob), Msg: "the file is over the limit"}
		}
		var fe *FieldError
		if errors.As(err, &fe) {
			inputProblem(w, err)
			return
		}
		s.officeProblem(w, err)
		return
	}
	w.Header().Set("Location", base+"/blobs/"+sha)
	send(w, r, http.StatusCreated, BlobReceipt{SHA256: sha, Size: size, MediaType: mt}, false)
}

func (s *Server) getBlob(w http.ResponseWriter, r *http.Request, p Principal) {
	sha := r.PathValue("sha256")
	if !isHex64(sha) {
		inputProblem(w, &FieldError{Status: http.StatusBadRequest, Field: "sha256", Value: sha, Msg: "want 64 lower-case hex digits"})
		return
	}
	if s.blobs == nil {
		problem(w, http.StatusNotFound, "not-found", "not found", "the server keeps no evidence files", "sha256", sha)
		return
	}
	f, err := s.blobs.Open(sha)
	if err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			inputProblem(w, err)
		} else if errors.Is(err, ErrBlobNotFound) {
			problem(w, http.StatusNotFound, "not-found", "not found", err.Error(), "sha256", sha)
		} else {
			s.officeProblem(w, err)
		}
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("ETag", `"`+sha+`"`)
	w.Header().Set("Cache-Control", "private, immutable")
	if etagMatch(r.Header.Get("If-None-Match"), `"`+sha+`"`) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	io.Copy(w, f)
}
