package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shuangsuiji/ssj/office"
)

// DefaultMaxBody is the request body limit when Config.MaxBody is 0.
const DefaultMaxBody = 1 << 20

// DefaultMaxBlob is the evidence file limit when Config.MaxBlob is 0.
const DefaultMaxBlob = 32 << 20

// Config is what New needs. Office is required.
type Config struct {
	Office *office.Office
	// Tokens authenticates staff; nil accepts no token (public only).
	Tokens *Tokens
	// CORSOrigins are the origins allowed to call the API from a browser
	// ("*" for any); none by default.
	CORSOrigins []string
	// MaxBody limits a JSON request body in bytes (DefaultMaxBody when 0).
	MaxBody int64
	// MaxBlob limits an uploaded evidence file (DefaultMaxBlob when 0).
	MaxBlob int64
	// Blobs keeps evidence files (content-addressed); nil refuses uploads.
	Blobs *Blobs
	// Web is served at / (the front end, e.g. examples/web); nil for none.
	Web fs.FS
	// Verifier is served at /verifier/ (the JavaScript verifier's
	// modules); nil for none.
	Verifier fs.FS
	// Recheck is how long a cached public answer is served before the
	// trail head is read again (DefaultRecheck when 0; see publicCache):
	// the longest a step taken by another process on the same store goes
	// unseen. Steps taken through this server are seen at once.
	Recheck time.Duration
	// Log receives internal errors; log.Default() when nil.
	Log *log.Logger
}

// Server is the API's http.Handler.
type Server struct {
	o       *office.Office
	tokens  *Tokens
	origins map[string]bool
	anyOrig bool
	maxBody int64
	maxBlob int64
	blobs   *Blobs
	log     *log.Logger
	mux     *http.ServeMux
	routes  []Route
	cache   *publicCache
	bundles bundleMemo
}

// Route is one method and path pattern the server answers, with the role
// it requires (RolePublic for none).
type Route struct {
	Method  string
	Pattern string // net/http pattern path, e.g. /api/v1/tasks/{id}
	Role    []Role
	handler func(w http.ResponseWriter, r *http.Request, p Principal)
}

// New builds the server.
func New(cfg Config) (*Server, error) {
	if cfg.Office == nil {
		return nil, errors.New("api: Config.Office is required")
	}
	s := &Server{o: cfg.Office, tokens: cfg.Tokens, origins: map[string]bool{}, maxBody: cfg.MaxBody, maxBlob: cfg.MaxBlob,
		blobs: cfg.Blobs, log: cfg.Log, mux: http.NewServeMux()}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	if s.maxBlob <= 0 {
		s.maxBlob = DefaultMaxBlob
	}
	if s.log == nil {
		s.log = log.Default()
	}
	for _, o := range cfg.CORSOrigins {
		o = strings.TrimRight(strings.TrimSpace(o), "/")
		switch {
		case o == "":
		case o == "*":
			s.anyOrig = true
		case !strings.HasPrefix(o, "http://") && !strings.HasPrefix(o, "https://"):
			return nil, fmt.Errorf("api: CORS origin %q: want http(s)://HOST[:PORT] or *", o)
		default:
			s.origins[o] = true
		}
	}
	s.cache = &publicCache{o: s.o, recheck: cfg.Recheck}
	if s.cache.recheck <= 0 {
		s.cache.recheck = DefaultRecheck
	}
	s.routes = s.apiRoutes()
	for _, rt := range s.routes {
		rt := rt
		cacheable := rt.Method == http.MethodGet && len(rt.Role) == 0 && rt.Pattern != base+"/me" && rt.Pattern != base+"/{$}"
		s.mux.HandleFunc(rt.Method+" "+rt.Pattern, func(w http.ResponseWriter, r *http.Request) {
			p, ok := s.authorize(w, r, rt.Role)
			if !ok {
				return
			}
			switch {
			case cacheable:
				s.cache.serve(w, r, func(w http.ResponseWriter, r *http.Request) { rt.handler(w, r, p) })
			case rt.Method == http.MethodPost:
				// The step has committed when the handler starts its answer:
				// forget the cached answers before the client can see it.
				iw := &invalidating{ResponseWriter: w, c: s.cache}
				defer iw.once()
				rt.handler(iw, r, p)
			default:
				rt.handler(w, r, p)
			}
		})
	}
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		problem(w, http.StatusNotFound, "no-route", "no such API route", fmt.Sprintf("%s %s is not a route of this API (see docs/openapi.yaml)", r.Method, r.URL.Path), "path", r.URL.Path)
	})
	if cfg.Verifier != nil {
		s.mux.Handle("/verifier/", http.StripPrefix("/verifier/", http.FileServerFS(cfg.Verifier)))
	}
	if cfg.Web != nil {
		s.mux.Handle("/", http.FileServerFS(cfg.Web))
	}
	return s, nil
}

// Routes lists the API routes (for docs/openapi.yaml's check).
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// ServeHTTP implements http.Handler: CORS, panic recovery, then the routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Printf("api: panic serving %s %s: %v", r.Method, r.URL.Path, v)
			problem(w, http.StatusInternalServerError, "internal", "internal error", "the server failed; the request changed nothing unless a step completed", "", "")
		}
	}()
	if origin := r.Header.Get("Origin"); origin != "" && (s.anyOrig || s.origins[origin]) {
		h := w.Header()
		if s.anyOrig {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Add("Vary", "Origin")
		}
		h.Set("Access-Control-Expose-Headers", "ETag, Location")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-None-Match")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// authorize resolves the request's principal and checks it against the
// roles a route allows (none: public).
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, roles []Role) (Principal, bool) {
	p := Principal{Role: RolePublic}
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ssj"`)
			problem(w, http.StatusUnauthorized, "unauthorized", "bad Authorization header", "want Authorization: Bearer TOKEN", "Authorization", "")
			return p, false
		}
		if p, ok = s.tokens.Lookup(strings.TrimSpace(tok)); !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ssj", error="invalid_token"`)
			problem(w, http.StatusUnauthorized, "unauthorized", "unknown token", "the bearer token is not in the server's token file", "Authorization", "")
			return p, false
		}
	}
	if len(roles) == 0 {
		return p, true
	}
	for _, want := range roles {
		if p.Role == want {
			return p, true
		}
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	if p.Role == RolePublic {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ssj"`)
		problem(w, http.StatusUnauthorized, "unauthorized", "a token is required", "this route needs a bearer token of role "+strings.Join(names, " or "), "Authorization", "")
		return p, false
	}
	problem(w, http.StatusForbidden, "forbidden", "role not allowed", fmt.Sprintf("this route needs role %s; the token's role is %s", strings.Join(names, " or "), p.Role), "role", string(p.Role))
	return p, false
}

// Problem is an RFC 9457 problem details object, with the field and value
// that were refused.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Field is the refused JSON path, query parameter, path parameter or
	// header; Value its value.
	Field string `json:"field,omitempty"`
	Value string `json:"value,omitempty"`
}

// ProblemTypePrefix prefixes every problem type: the rest is a short code
// such as "invalid-field", "not-found" or "precondition".
const ProblemTypePrefix = "urn:ssj:problem:"

func problem(w http.ResponseWriter, status int, code, title, detail, field, value string) {
	b, _ := json.Marshal(Problem{Type: ProblemTypePrefix + code, Title: title, Status: status, Detail: detail, Field: field, Value: value})
	h := w.Header()
	h.Del("ETag")
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// officeProblem answers with the problem an office error means.
func (s *Server) officeProblem(w http.ResponseWriter, err error) {
	var be *office.BindingError
	var se *office.StepError
	var te *office.TimeError
	field, value := "", ""
	switch {
	case errors.As(err, &be):
		s.log.Printf("api: store integrity: %v", err)
		problem(w, http.StatusInternalServerError, "integrity", "stored state does not match the trail", err.Error(), be.Field, be.ID)
		return
	case errors.As(err, &se):
		field, value = se.Field, se.Value
	case errors.As(err, &te):
		field, value = "at", te.At.UTC().Format("2006-01-02T15:04:05Z")
	}
	switch {
	case errors.Is(err, office.ErrNotFound):
		problem(w, http.StatusNotFound, "not-found", "not found", err.Error(), field, value)
	case errors.Is(err, office.ErrConflict):
		problem(w, http.StatusConflict, "conflict", "conflict", err.Error(), field, value)
	case errors.Is(err, office.ErrPrecondition):
		problem(w, http.StatusUnprocessableEntity, "precondition", "the office refused the step", err.Error(), field, value)
	case errors.Is(err, office.ErrUnavailable), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		problem(w, http.StatusServiceUnavailable, "unavailable", "store unavailable", err.Error(), "", "")
	default:
		s.log.Printf("api: %v", err)
		problem(w, http.StatusInternalServerError, "internal", "internal error", err.Error(), field, value)
	}
}

// send writes v as JSON. With etag set, it adds a strong ETag (the body's
// SHA-256) and answers a matching If-None-Match with 304.
func send(w http.ResponseWriter, r *http.Request, status int, v any, etag bool) {
	b, err := json.Marshal(v)
	if err != nil {
		problem(w, http.StatusInternalServerError, "internal", "internal error", "encoding the response: "+err.Error(), "", "")
		return
	}
	sendBytes(w, r, status, "application/json", append(b, '\n'), etag)
}

func sendBytes(w http.ResponseWriter, r *http.Request, status int, ctype string, b []byte, etag bool) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	if etag && status == http.StatusOK {
		sum := sha256.Sum256(b)
		tag := `"` + hex.EncodeToString(sum[:16]) + `"`
		h.Set("ETag", tag)
		h.Set("Cache-Control", "no-cache")
		if etagMatch(r.Header.Get("If-None-Match"), tag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else {
		h.Set("Cache-Control", "no-store")
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

// etagMatch implements If-None-Match's weak comparison (RFC 9110 13.1.2).
func etagMatch(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}

// FieldError is a refused request input: the field (JSON path, query or
// path parameter) and its value. Decode returns it.
type FieldError struct {
	Status int // 400, or 413 for an oversize body
	Field  string
	Value  string
	Msg    string
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return fmt.Sprintf("field %s = %q: %s", e.Field, e.Value, e.Msg)
}

func inputProblem(w http.ResponseWriter, err error) {
	var fe *FieldError
	if errors.As(err, &fe) {
		code, title := "invalid-field", "invalid request"
		if fe.Status == http.StatusRequestEntityTooLarge {
			code, title = "too-large", "request body too large"
		}
		problem(w, fe.Status, code, title, fe.Error(), fe.Field, fe.Value)
		return
	}
	problem(w, http.StatusBadRequest, "invalid-field", "invalid request", err.Error(), "", "")
}

// Decode reads one JSON value from r into v, at most max bytes: it refuses
// malformed JSON, unknown fields, wrong types and trailing data with a
// *FieldError naming the JSON path and the value.
func Decode(r io.Reader, max int64, v any) error {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &FieldError{Status: http.StatusRequestEntityTooLarge, Field: "body", Value: strconv.FormatInt(mbe.Limit, 10) + "+ bytes", Msg: "the body is over the limit"}
		}
		return &FieldError{Status: http.StatusBadRequest, Field: "body", Msg: "reading the body: " + err.Error()}
	}
	if int64(len(data)) > max {
		return &FieldError{Status: http.StatusRequestEntityTooLarge, Field: "body", Value: strconv.FormatInt(max, 10) + "+ bytes", Msg: fmt.Sprintf("the body is over the limit of %d bytes", max)}
	}
	if !utf8.Valid(data) {
		return &FieldError{Status: http.StatusBadRequest, Field: "body", Msg: "the body is not UTF-8"}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return &FieldError{Status: http.StatusBadRequest, Field: "body", Msg: "the body is empty; want a JSON object"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonFieldError(data, err)
	}
	if tok, err := dec.Token(); err != io.EOF {
		return &FieldError{Status: http.StatusBadRequest, Field: "body", Value: fmt.Sprint(tok), Msg: fmt.Sprintf("trailing data after the JSON value at byte %d", dec.InputOffset())}
	}
	return nil
}

func jsonFieldError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return &FieldError{Status: http.StatusBadRequest, Field: "body", Value: excerpt(data, syn.Offset), Msg: fmt.Sprintf("malformed JSON at line %d column %d: %v", line, col, syn)}
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return &FieldError{Status: http.StatusBadRequest, Field: field, Value: typ.Value, Msg: fmt.Sprintf("wrong type: want %s", typ.Type)}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &FieldError{Status: http.StatusBadRequest, Field: "body", Msg: "malformed JSON: unexpected end of the body"}
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		if name == "" {
			return &FieldError{Status: http.StatusBadRequest, Field: "body", Value: `""`, Msg: "unknown field with an empty name"}
		}
		return &FieldError{Status: http.StatusBadRequest, Field: name, Value: name, Msg: "unknown field"}
	}
	// Errors from a field's UnmarshalJSON (dates, enumerations).
	return &FieldError{Status: http.StatusBadRequest, Field: "body", Msg: strings.TrimPrefix(msg, "json: ")}
}

func position(data []byte, off int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < off && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

func excerpt(data []byte, off int64) string {
	lo := max(0, off-8)
	hi := min(int64(len(data)), off+8)
	if lo > hi {
		return ""
	}
	return strings.ToValidUTF8(string(data[lo:hi]), "")
}

// MaxIDLen is the longest ID the API accepts in a path or cursor.
const MaxIDLen = 256

// CheckID checks an ID from a path or query parameter: 1 to MaxIDLen bytes
// of UTF-8 without control characters or surrounding spaces.
func CheckID(field, id string) error {
	bad := func(msg string) error {
		return &FieldError{Status: http.StatusBadRequest, Field: field, Value: strings.ToValidUTF8(id, "\uFFFD"), Msg: msg}
	}
	switch {
	case id == "":
		return bad("empty")
	case len(id) > MaxIDLen:
		return bad(fmt.Sprintf("longer than %d bytes", MaxIDLen))
	case !utf8.ValidString(id):
		return bad("not UTF-8")
	case strings.TrimSpace(id) != id:
		return bad("leading or trailing space")
	case id == "." || id == "..":
		return bad("not an ID")
	}
	for _, c := range id {
		if unicode.IsControl(c) {
			return bad("control character")
		}
	}
	return nil
}

// page is the shape of every list response.
type page[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

// DefaultLimit is a list's page size when ?limit is absent.
const DefaultLimit = 100

// pageParams reads ?after and ?limit.
func pageParams(r *http.Request) (after string, limit int, err error) {
	q := r.URL.Query()
	limit = DefaultLimit
	if v := q.Get("limit"); v != "" || q.Has("limit") {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > office.MaxPage {
			return "", 0, &FieldError{Status: http.StatusBadRequest, Field: "limit", Value: v, Msg: fmt.Sprintf("want an integer from 1 to %d", office.MaxPage)}
		}
		limit = n
	}
	if q.Has("after") {
		after = q.Get("after")
		if err := CheckID("after", after); err != nil {
			return "", 0, err
		}
	}
	return after, limit, nil
}

// pathEscape escapes an ID for one path segment (a result ID holds "/").
func pathEscape(id string) string { return url.PathEscape(id) }
