package difftest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/shuangsuiji/ssj/draw"
	"github.com/shuangsuiji/ssj/publish"
	"github.com/shuangsuiji/ssj/registry"
	"github.com/shuangsuiji/ssj/suite"
)

// cases is the number of random tasks; each yields one record that must
// verify and one single-field edit of it that must not.
const cases = 200

// seed makes the generated tasks the same on every run.
const seed = 20261201

// The drand beacon every generated task declares (round 32285086 of
// quicknet, emitted 2026-09-17T15:23:42Z), from draw/testdata/drand.
const beaconFile = "../../draw/testdata/drand/quicknet-demo.json"

// needNode returns the node binary, or skips the test (fails it when CI=true)
// when node or verifier/node_modules is missing.
func needNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	missing := ""
	switch {
	case err != nil:
		missing = "node is not on PATH"
	default:
		if _, err := os.Stat("../node_modules/@noble/curves/package.json"); err != nil {
			missing = "verifier/node_modules is missing (run: cd verifier && npm ci)"
		}
	}
	if missing != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("JavaScript verifier differential test: %s", missing)
		}
		t.Skipf("JavaScript verifier differential test skipped: %s", missing)
	}
	// Read the JavaScript sources so that go test's cache, which tracks the
	// files a test opens, reruns this test when the verifier changes.
	for _, pat := range []string{"../*.mjs", "../lib/*.mjs", "*.mjs", "../package-lock.json"} {
		files, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if _, err := os.ReadFile(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	return node
}

// jsCase is one verification the node runner performs.
type jsCase struct {
	ID         string `json:"id"`
	Record     string `json:"record"`
	Targets    string `json:"targets"`
	Inspectors string `json:"inspectors,omitempty"`
	Fallback   string `json:"fallback,omitempty"`
	// Manifest and Proofs, when set, make the case a bundle (ssj task export).
	Manifest string `json:"manifest,omitempty"`
	Proofs   string `json:"proofs,omitempty"`
	// Anchor (spec §10.3) and Keyring (a keyring file, §10.2) are the
	// verifier's options; the Go side verifies with the same.
	Anchor  string `json:"anchor,omitempty"`
	Keyring string `json:"keyring,omitempty"`
}

// jsResult is the runner's verdict on one case.
type jsResult struct {
	ID      string `json:"id"`
	Result  string `json:"result"`
	Path    string `json:"path"`
	Message string `json:"message"`
}

// made is one generated draw: its files, its Go inputs and the edit.
type made struct {
	files    jsCase
	targets  []registry.Target
	pools    *draw.InspectorPools
	record   []byte
	edit     string // path of the edited leaf
	goPath   string // Go's VerifyError path for the edit, "" when Go refused to decode it
	features []string
	opt      draw.VerifyOptions
	// extra are further tampered records of the case (a dropped replacement,
	// a relocked record with recomputed hashes) that must not verify.
	extra []jsCase
}

// TestJSVerifierDifferential draws random tasks with package draw and checks
// that the JavaScript verifier accepts every record and rejects a
// single-field edit of each (rules R15, R16, R18: re-runnable draw, lock,
// replacements).
func TestJSVerifierDifferential(t *testing.T) {
	node := needNode(t)
	beacon := readBeacon(t)
	dir := t.TempDir()
	setUpKeys(t, dir)
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	var all []made
	var runs []jsCase
	features := map[string]int{}
	for i := range cases {
		var m made
		var err error
		for try := 0; ; try++ {
			m, err = makeCase(rng, dir, i, beacon)
			if err == nil {
				break
			}
			require.Less(t, try, 50, "case %d: no valid task after 50 tries: %v", i, err)
		}
		for _, f := range m.features {
			features[f]++
		}
		pickEdit(t, rng, dir, &m)
		all = append(all, m)
		edit := m.files
		edit.ID, edit.Record = m.files.ID+"-edit", filepath.Join(dir, m.files.ID+"-edit.json")
		runs = append(runs, m.files, edit)
		runs = append(runs, m.extra...)
	}
	t.Logf("%d cases; features: %v", len(all), features)
	for _, f := range []string{"ratio", "total", "ceiling", "floor", "half_up", "base_eligible", "min_max", "shortfall", "exclusions",
		"compliant", "strata", "directed", "batches", "inspectors", "joint", "conflicts", "interests", "fallback", "fallback_used",
		"cap", "rotation", "replacements", "lock", "manual", "gb18030", "chinese_headers", "pool_5000",
		"uplift", "uplifted", "item_departments", "signed", "anchor", "bundle", "dropped_replacement", "relocked", "sm", "signed_sm2",
		"approved", "approved_checked", "approved_checked_sm2", "approval_edited"} {
		require.Positive(t, features[f], "no generated case covers %s", f)
	}
	require.Positive(t, features["xlsx"], "no generated case has XLSX pools")

	list := filepath.Join(dir, "cases.json")
	b, err := json.Marshal(runs)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(list, b, 0o644))
	start := time.Now()
	cmd := exec.Command(node, "runner.mjs", list)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "node runner: %s", stderr.String())
	t.Logf("node verified %d records in %v", len(runs), time.Since(start).Round(time.Millisecond))
	got := map[string]jsResult{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var r jsResult
		require.NoError(t, json.Unmarshal([]byte(line), &r), line)
		got[r.ID] = r
	}
	samePath, goDecode, extra := 0, 0, 0
	for _, m := range all {
		r, ok := got[m.files.ID]
		require.True(t, ok, "no result for %s", m.files.ID)
		require.Equal(t, "verified", r.Result, "%s (%v): the JavaScript verifier refused a record the Go code wrote: %s", m.files.ID, m.features, r.Message)
		e := got[m.files.ID+"-edit"]
		require.Equal(t, "difference", e.Result, "%s: edit of %s: want a difference, got %s: %s", m.files.ID, m.edit, e.Result, e.Message)
		for _, x := range m.extra {
			r := got[x.ID]
			require.Equal(t, "difference", r.Result, "%s: want a difference, got %s: %s", x.ID, r.Result, r.Message)
			if x.Anchor != "" || x.Keyring != "" {
				require.True(t, r.Path == "anchor" || strings.HasPrefix(r.Path, "lock.signature") || approvalPath.MatchString(r.Path),
					"%s: want a difference at anchor, lock.signature or an approval, got %s: %s", x.ID, r.Path, r.Message)
			}
			extra++
		}
		switch {
		case m.goPath == "":
			goDecode++ // Go refused the document before recomputing (not canonical, invalid manifest)
		case e.Path == m.goPath:
			samePath++
		default:
			t.Logf("%s: edit of %s: Go reports %q, JavaScript %q (%s)", m.files.ID, m.edit, m.goPath, e.Path, e.Message)
		}
	}
	t.Logf("edits rejected by both: same first-difference path in %d, refused by Go's decoder in %d, of %d; %d further tampered records (dropped replacement, relocked) rejected", samePath, goDecode, len(all), extra)
}

func readBeacon(t *testing.T) draw.Evidence {
	f, err := os.Open(beaconFile)
	require.NoError(t, err)
	defer f.Close()
	b, err := draw.DecodeDrandBeacon(f)
	require.NoError(t, err)
	require.EqualValues(t, 32285086, b.Round)
	return b.Evidence()
}

var (
	jurisdictions = []string{"440103", "440104", "440106"}
	industries    = []string{"H6110", "F5191", "O8060"}
	departments   = []string{"治安", "消防", "出入境"}
	usccAlphabet  = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	cst           = time.FixedZone("CST", 8*3600)
)

// uscc returns a valid 统一社会信用代码 for serial n: prefix "91" (entity) or
// "92" (individual business), a division code, n in base 31, check character.
func uscc(prefix, division string, n int) string {
	body := []byte(prefix + division + "000000000")
	for i := 16; n > 0; i-- {
		body[i] = usccAlphabet[n%31]
		n /= 31
	}
	c, err := registry.USCCCheckChar(string(body))
	if err != nil {
		panic(err)
	}
	return string(body) + string(c)
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func subset(r *rand.Rand, xs []string, min int) []string {
	var out []string
	for _, x := range xs {
		if r.IntN(2) == 0 {
			out = append(out, x)
		}
	}
	for len(out) < min {
		x := pick(r, xs)
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func poolSize(r *rand.Rand, i int) int {
	switch {
	case i%50 == 7:
		return 5000
	case r.IntN(4) == 0:
		return 1 + r.IntN(20)
	case r.IntN(3) == 0:
		return 1 + r.IntN(5000)
	}
	return 20 + r.IntN(400)
}

func genTargets(r *rand.Rand, n int) []registry.Target {
	ts := make([]registry.Target, n)
	for i := range ts {
		t := registry.Target{
			Jurisdiction: pick(r, jurisdictions), Industry: pick(r, industries),
			CreditClass: string("ABCD"[r.IntN(4)]), Status: registry.StatusActive,
			Departments: subset(r, departments, 1), Abnormal: r.IntN(10) == 0, SeriousViolation: r.IntN(20) == 0,
			Complaints: r.IntN(3) * r.IntN(4),
			Name:       fmt.Sprintf("测试商户%d号", i),
		}
		switch k := r.IntN(10); {
		case k < 7:
			t.Kind, t.ID = registry.KindEntity, uscc("91", t.Jurisdiction, i+1)
		case k < 9:
			t.Kind, t.ID = registry.KindIndividual, uscc("92", t.Jurisdiction, i+1)
		default:
			// Registry-local IDs, some non-ASCII: UTF-8 byte order puts U+FF71 before
			// U+20000, UTF-16 code-unit order after (spec §1, label byte order).
			pre := pick(r, []string{"LOCAL-", "产品-", "\U00020000-", "\uFF71-", "Ａ"})
			t.Kind, t.ID = pick(r, []registry.Kind{registry.KindProduct, registry.KindProject, registry.KindBehaviour}), fmt.Sprintf("%s%05d", pre, i)
		}
		if r.IntN(8) == 0 {
			t.Status = pick(r, []registry.Status{registry.StatusDeregistered, registry.StatusRevoked, registry.StatusMovedOut, registry.StatusClosed})
		}
		if r.IntN(15) == 0 {
			t.Name = fmt.Sprintf("\"老字号\",商行%d", i) // quotes and a comma: a quoted CSV field
		}
		ts[i] = t
	}
	return ts
}

func genInspectors(r *rand.Rand, pre string, n int, region string, items []string, targets []registry.Target) []registry.Inspector {
	out := make([]registry.Inspector, n)
	for i := range out {
		in := registry.Inspector{
			Cert: fmt.Sprintf("%s%05d", pre, i), Name: fmt.Sprintf("检查员%d", i), Department: pick(r, departments),
			Unit: "分局", Jurisdiction: region, Qualifications: slices.Clone(items), LeaderEligible: r.IntN(3) > 0, Active: r.IntN(12) > 0,
		}
		if r.IntN(6) == 0 {
			in.Jurisdiction = pick(r, jurisdictions)
		}
		if r.IntN(10) == 0 {
			in.Qualifications = in.Qualifications[:len(in.Qualifications)-1]
		}
		if r.IntN(8) == 0 {
			in.Qualifications = append(in.Qualifications, "OTHER-9")
		}
		if r.IntN(8) == 0 {
			d := time.Date(2026, time.Month(9+r.IntN(3)), 1+r.IntN(28), 0, 0, 0, 0, cst)
			in.Unavailable = []registry.Period{{From: d, To: d.AddDate(0, 0, 1+r.IntN(10)), Reason: "年假"}}
		}
		if len(targets) > 0 && r.IntN(5) == 0 {
			in.Interests = []registry.Interest{{TargetID: pick(r, targets).ID, Relation: pick(r, []registry.Relation{registry.RelationKin, registry.RelationShareholding, registry.RelationFormerEmployer, registry.RelationOther})}}
		}
		out[i] = in
	}
	return out
}

// encoding is how a pool file is written.
type encoding int

const (
	englishUTF8 encoding = iota // registry export: English headers
	chineseBOM                  // Chinese headers and spellings, UTF-8 with BOM, a title row
	chineseGB                   // the same in GB18030
	xlsxEnglish                 // an XLSX workbook as ssj writes it (chosen by case number)
)

// ext is a pool file's extension.
func (e encoding) ext() string {
	if e == xlsxEnglish {
		return ".xlsx"
	}
	return ".csv"
}

var (
	kindZH   = map[registry.Kind]string{registry.KindEntity: "市场主体", registry.KindIndividual: "个体工商户", registry.KindProduct: "产品", registry.KindProject: "项目", registry.KindBehaviour: "行为"}
	statusZH = map[registry.Status]string{registry.StatusActive: "存续", registry.StatusDeregistered: "注销", registry.StatusRevoked: "吊销", registry.StatusMovedOut: "迁出", registry.StatusClosed: "停业"}
	relZH    = map[registry.Relation]string{registry.RelationKin: "近亲属", registry.RelationFormerEmployer: "曾任职", registry.RelationShareholding: "持股", registry.RelationOther: "其他"}
)

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// writePool writes targets or inspectors in encoding e.
func writePool(path string, e encoding, ts []registry.Target, ins []registry.Inspector) error {
	var buf bytes.Buffer
	var err error
	switch {
	case e == englishUTF8 && ins == nil:
		err = registry.WriteTargetsCSV(&buf, ts)
	case e == englishUTF8:
		err = registry.WriteInspectorsCSV(&buf, ins)
	case e == xlsxEnglish && ins == nil:
		err = registry.WriteTargetsXLSX(&buf, ts)
	case e == xlsxEnglish:
		err = registry.WriteInspectorsXLSX(&buf, ins)
	default:
		buf.WriteString("某区名录（差分测试）\r\n\r\n")
		w := csv.NewWriter(&buf)
		w.UseCRLF = true
		if ins == nil {
			_ = w.Write([]string{"序号", "统一社会信用代码", "名称", "类型", "辖区", "行业", "信用风险分类", "经营异常名录", "严重违法失信", "投诉数", "状态", "监管部门"})
			for i, t := range ts {
				id := t.ID
				if i%5 == 0 && t.Kind.NeedsUSCC() {
					id = strings.ToLower(id) // upper-cased on import
				}
				_ = w.Write([]string{strconv.Itoa(i + 1), id, t.Name, kindZH[t.Kind], t.Jurisdiction, t.Industry, strings.ToLower(t.CreditClass),
					yesNo(t.Abnormal), yesNo(t.SeriousViolation), strconv.Itoa(t.Complaints), statusZH[t.Status], " " + strings.Join(t.Departments, "；")})
			}
		} else {
			_ = w.Write([]string{"执法证号", "姓名", "部门", "单位", "辖区", "执法资格", "可任组长", "不可用时段", "利害关系", "在岗", "备注"})
			for _, in := range ins {
				var ps, is []string
				for _, p := range in.Unavailable {
					ps = append(ps, p.From.In(cst).Format(time.DateOnly)+"/"+p.To.In(cst).AddDate(0, 0, -1).Format(time.DateOnly)+" "+p.Reason)
				}
				for _, it := range in.Interests {
					is = append(is, it.TargetID+"："+relZH[it.Relation])
				}
				active := "在岗"
				if !in.Active {
					active = "离岗"
				}
				_ = w.Write([]string{in.Cert, in.Name, in.Department, in.Unit, in.Jurisdiction, strings.Join(in.Qualifications, ";"),
					yesNo(in.LeaderEligible), strings.Join(ps, "；"), strings.Join(is, ";"), active, ""})
			}
		}
		w.Flush()
		err = w.Error()
	}
	if err != nil {
		return err
	}
	data := buf.Bytes()
	switch e {
	case chineseBOM:
		data = append([]byte("\uFEFF"), data...)
	case chineseGB:
		if data, err = simplifiedchinese.GB18030.NewEncoder().Bytes(data); err != nil {
			return err
		}
	}
	return os.WriteFile(path, data, 0o644)
}

// readPool reads a pool file back with package registry, as `ssj verify` does.
func readPool(path string, pool registry.PoolKind) (*registry.Table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return registry.Decode(data, registry.ImportOptions{File: path, Pool: pool})
}

func ratio(r *rand.Rand) string {
	return pick(r, []string{"0", "0.05", "0.1", "0.2", "0.25", "0.333", "0.5", "0.6", "1", "0.07", "0.015"})
}

// makeCase generates, draws and writes case i; an error means the random
// task was not valid (the caller draws another).
func makeCase(r *rand.Rand, dir string, i int, beacon draw.Evidence) (made, error) {
	id := fmt.Sprintf("case%03d", i)
	var feat []string
	add := func(f string) { feat = append(feat, f) }
	n := poolSize(r, i)
	if n == 5000 {
		add("pool_5000")
	}
	gen := genTargets(r, n)
	enc := encoding(r.IntN(3))
	if i%9 == 4 {
		// XLSX pools (spec Appendix E §1), by case number so that the
		// random choices of the other cases stay as they were.
		enc = xlsxEnglish
	}
	switch enc {
	case chineseGB:
		add("gb18030")
		add("chinese_headers")
	case chineseBOM:
		add("chinese_headers")
	}
	if enc == xlsxEnglish {
		add("xlsx")
	}
	tpath := filepath.Join(dir, id+"-targets"+enc.ext())
	if err := writePool(tpath, enc, gen, nil); err != nil {
		return made{}, err
	}
	tab, err := readPool(tpath, registry.PoolTargets)
	if err != nil {
		return made{}, err
	}
	targets := tab.Targets

	commit := time.Date(2026, 9, 17, 15, 0, 0, 0, time.UTC).Add(-time.Duration(r.IntN(200*24*3600)) * time.Second)
	items := []string{"ZA-01"}
	if r.IntN(3) == 0 {
		items = append(items, "XF-02")
	}
	task := draw.Task{ID: fmt.Sprintf("DIFF-%03d", i), Name: fmt.Sprintf("差分测试任务 %d", i), Items: items, CommitTime: commit}
	if i%4 == 3 {
		// The national suite (Appendix H.2): every hash SM3, every HMAC
		// HMAC-SM3. Chosen by case number, so the random choices of the
		// other cases stay as they were.
		add("sm")
		task.Suite = string(suite.V1SM)
	}
	if r.IntN(5) > 1 {
		add("directed")
		switch r.IntN(4) {
		case 0:
			task.Scope.Jurisdictions = subset(r, jurisdictions, 1)
		case 1:
			task.Scope.Departments = subset(r, departments, 1)
		case 2:
			task.Scope.CreditClasses = subset(r, []string{"A", "B", "C", "D"}, 1)
		default:
			task.Scope.Industries = subset(r, industries, 1)
			task.Scope.Kinds = []registry.Kind{registry.KindEntity, registry.KindIndividual}
		}
	}
	var scope []registry.Target
	for _, t := range targets {
		if task.Scope.Contains(&t) {
			scope = append(scope, t)
		}
	}
	if r.IntN(3) > 0 {
		add("strata")
		keys := []string{"credit_class", "jurisdiction", "industry", "kind"}
		r.Shuffle(len(keys), func(a, b int) { keys[a], keys[b] = keys[b], keys[a] })
		task.Strata = keys[:1+r.IntN(2)]
	}
	if r.IntN(4) == 0 {
		// Rule R12: the uplift needs credit_class among the strata.
		add("uplift")
		if !slices.Contains(task.Strata, "credit_class") {
			task.Strata = append(task.Strata, "credit_class")
		}
		u := &draw.Uplift{Classes: []string{"A", "B", "C", "D"}}
		if r.IntN(2) == 0 {
			u.Abnormal = pick(r, []string{"C", "D"})
		}
		if r.IntN(2) == 0 {
			u.SeriousViolation = "D"
		}
		if r.IntN(2) == 0 || (u.Abnormal == "" && u.SeriousViolation == "") {
			u.ComplaintsAtLeast = 1 + r.IntN(4)
		}
		task.Uplift = u
	}
	task.Quota.Rounding = pick(r, []string{"", draw.RoundCeiling, draw.RoundFloor, draw.RoundHalfUp})
	switch task.Quota.Rounding {
	case "", draw.RoundCeiling:
		add("ceiling")
	case draw.RoundFloor:
		add("floor")
	default:
		add("half_up")
	}
	if r.IntN(3) == 0 {
		task.Quota.Base = draw.BaseEligible
		add("base_eligible")
	}
	if r.IntN(4) == 0 {
		add("total")
		task.Quota.Total = 1 + r.IntN(max(1, len(scope)+3))
		task.Quota.Rounding = ""
	} else {
		add("ratio")
		task.Quota.DefaultRatio = ratio(r)
		if len(task.Strata) > 0 && len(scope) > 0 {
			for range r.IntN(3) {
				u := pick(r, scope)
				var vals []string
				for _, k := range task.Strata {
					vals = append(vals, map[string]string{"credit_class": u.CreditClass, "jurisdiction": u.Jurisdiction, "industry": u.Industry, "kind": string(u.Kind)}[k])
				}
				key := strings.Join(vals, "/")
				if !slices.ContainsFunc(task.Quota.Ratios, func(x draw.StratumRatio) bool { return x.Stratum == key }) {
					task.Quota.Ratios = append(task.Quota.Ratios, draw.StratumRatio{Stratum: key, Ratio: ratio(r)})
				}
			}
			if len(task.Quota.Ratios) > 0 && r.IntN(4) == 0 {
				task.Quota.DefaultRatio = "" // every stratum must then be listed: often invalid, retried
			}
		}
		if r.IntN(4) == 0 {
			add("min_max")
			task.Quota.Min = r.IntN(3)
			if r.IntN(2) == 0 {
				task.Quota.Max = task.Quota.Min + r.IntN(20)
			}
		}
	}
	if len(scope) > 0 && r.IntN(3) == 0 {
		add("exclusions")
		for range 1 + r.IntN(3) {
			u := pick(r, scope)
			if !slices.ContainsFunc(task.Exclusions, func(e draw.Exclusion) bool { return e.Target == u.ID }) {
				task.Exclusions = append(task.Exclusions, draw.Exclusion{Target: u.ID, Reason: pick(r, []string{"正在立案调查", "本年度已专项检查"})})
			}
		}
	}
	if len(scope) > 0 && r.IntN(3) == 0 {
		add("compliant")
		for range 1 + r.IntN(4) {
			c := draw.ComplianceRecord{Target: pick(r, scope).ID, Item: pick(r, append(slices.Clone(items), "OTHER-9")),
				Date: fmt.Sprintf("%d-%02d-%02d", 2025+r.IntN(2), 1+r.IntN(12), 1+r.IntN(28))}
			if !slices.Contains(task.Compliant, c) {
				task.Compliant = append(task.Compliant, c)
			}
		}
		if r.IntN(5) == 0 {
			task.ComplianceExempt = draw.ExemptKeyArea
		}
	}
	var evidence []draw.Evidence
	if r.IntN(10) < 8 {
		task.Sources = append(task.Sources, draw.Source{Kind: draw.SourceDrand, Network: "quicknet", Round: 32285086})
		evidence = append(evidence, beacon)
	}
	if r.IntN(2) == 0 {
		task.Sources = append(task.Sources, draw.Source{Kind: draw.SourceLottery, Lottery: "福彩3D", Issue: fmt.Sprintf("2026%03d", 1+r.IntN(300)),
			DrawAt: commit.Add(time.Duration(1+r.IntN(72)) * time.Hour).In(cst)})
		evidence = append(evidence, draw.Evidence{Numbers: []int64{int64(r.IntN(10)), int64(r.IntN(10)), int64(r.IntN(10))}})
	}
	if r.IntN(10) < 7 || len(task.Sources) == 0 {
		secret := fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64())
		sum := sha256.Sum256([]byte(secret))
		task.Sources = append(task.Sources, draw.Source{Kind: draw.SourceParticipant, Participant: "监督员", Commitment: hex.EncodeToString(sum[:])})
		evidence = append(evidence, draw.Evidence{Secret: secret})
	}
	if r.IntN(5) == 0 {
		add("manual")
		task.Sources = append(task.Sources, draw.Source{Kind: draw.SourceManual, Note: "现场口令"})
		evidence = append(evidence, draw.Evidence{Value: fmt.Sprintf("口令%d", r.IntN(1000))})
	}
	if r.IntN(3) == 0 {
		add("batches")
		task.Batches = 1 + r.IntN(5)
	}

	files := jsCase{ID: id, Record: filepath.Join(dir, id+".json"), Targets: tpath}
	var pools *draw.InspectorPools
	if len(scope) <= 1500 && r.IntN(5) < 3 {
		add("inspectors")
		region := pick(r, jurisdictions)
		spec := &draw.MatchSpec{TeamSize: 2 + r.IntN(3), LaunchingDepartment: "治安",
			WindowFrom: time.Date(2026, 10, 1, 0, 0, 0, 0, cst), WindowTo: time.Date(2026, 11, 1, 0, 0, 0, 0, cst)}
		if r.IntN(3) == 0 {
			add("joint")
			spec.ParticipatingDepartments = []string{pick(r, departments[1:])}
			spec.TeamSize = max(spec.TeamSize, 2)
			if len(items) == 2 && r.IntN(2) == 0 {
				// Rule R20: each department checks its own item; inspectors of
				// the third department own no item and are unqualified.
				add("item_departments")
				spec.ItemDepartments = []draw.ItemDepartment{{Item: items[0], Department: "治安"}, {Item: items[1], Department: spec.ParticipatingDepartments[0]}}
			}
		}
		if r.IntN(2) == 0 {
			spec.Items = slices.Clone(items)
		}
		homeN := 6 + r.IntN(60)
		home := genInspectors(r, "H", homeN, region, items, scope)
		if r.IntN(2) == 0 {
			spec.HomeRegions = []string{region}
		}
		var fallback []registry.Inspector
		if r.IntN(3) == 0 {
			add("fallback")
			spec.Fallback = true
			other := jurisdictions[(slices.Index(jurisdictions, region)+1)%len(jurisdictions)]
			fallback = genInspectors(r, "F", 3+r.IntN(10), other, items, scope)
			if r.IntN(2) == 0 {
				spec.FallbackRegions = []string{other}
			}
			if r.IntN(2) == 0 {
				home = home[:3+r.IntN(4)] // a small home pool, so the fallback is used
			}
		}
		if slices.ContainsFunc(home, func(in registry.Inspector) bool { return len(in.Interests) > 0 }) {
			add("interests")
		}
		if r.IntN(3) == 0 {
			spec.Cap = 2 + r.IntN(6)
			add("cap")
		}
		if len(scope) > 0 && r.IntN(3) == 0 {
			add("conflicts")
			for range 1 + r.IntN(4) {
				spec.Conflicts = append(spec.Conflicts, draw.InspectorConflict{Target: pick(r, scope).ID, Cert: pick(r, home).Cert, Reason: "曾任职"})
			}
		}
		if len(scope) > 0 && r.IntN(4) == 0 {
			add("rotation")
			spec.RotationMonths = 1 + r.IntN(12)
			for range 1 + r.IntN(6) {
				spec.History = append(spec.History, draw.RotationEntry{Cert: pick(r, home).Cert, Target: pick(r, scope).ID,
					Date: time.Date(2025+r.IntN(2), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), 0, 0, 0, time.UTC)})
			}
		}
		task.Inspectors = spec
		ienc := encoding(r.IntN(3))
		if enc == xlsxEnglish {
			ienc = xlsxEnglish
		}
		files.Inspectors = filepath.Join(dir, id+"-inspectors"+ienc.ext())
		if err := writePool(files.Inspectors, ienc, nil, home); err != nil {
			return made{}, err
		}
		ht, err := readPool(files.Inspectors, registry.PoolInspectors)
		if err != nil {
			return made{}, err
		}
		pools = &draw.InspectorPools{Home: ht.Inspectors}
		if spec.Fallback {
			files.Fallback = filepath.Join(dir, id+"-fallback"+ienc.ext())
			if err := writePool(files.Fallback, ienc, nil, fallback); err != nil {
				return made{}, err
			}
			ft, err := readPool(files.Fallback, registry.PoolInspectors)
			if err != nil {
				return made{}, err
			}
			pools.Fallback = ft.Inspectors
		}
	}
	m, err := draw.Commit(task, targets, pools)
	if err != nil {
		return made{}, err
	}
	rec, err := draw.Run(m, evidence, targets, pools)
	if err != nil {
		return made{}, err
	}
	if rec.Shortfall > 0 {
		add("shortfall")
	}
	for _, g := range rec.Groups {
		if g.FallbackExclusions != nil || slices.ContainsFunc(g.Seats, func(s draw.Seat) bool { return s.FromFallback }) {
			add("fallback_used")
			break
		}
	}
	if len(rec.Groups) > 0 {
		// Rule R18: in about half the cases the deputy head signs each
		// replacement's approval (Appendix C §5.1); always under ssj-v1-sm,
		// with SM2, so that the few national-suite cases cover SM2 approvals.
		var approver draw.Signer
		if r.IntN(2) == 0 || task.Suite == string(suite.V1SM) {
			approver = approvalSigner
			if task.Suite == string(suite.V1SM) {
				approver = approvalSignerSM2
			}
		}
		for range r.IntN(4) {
			g := pick(r, rec.Groups)
			cur, err := draw.CurrentGroups(rec.Groups, rec.Replacements)
			if err != nil {
				return made{}, err
			}
			gi := slices.IndexFunc(cur, func(x draw.Group) bool { return x.Target == g.Target })
			req := draw.ReplacementRequest{Target: g.Target, Inspector: pick(r, cur[gi].Seats).Cert,
				Reason:   pick(r, []draw.ReplaceReason{draw.ReplaceChangedPost, draw.ReplaceWorkConflict, draw.ReplaceHealth, draw.ReplaceRecusal}),
				Approver: "王副局长", At: commit.Add(time.Duration(48+r.IntN(100)) * time.Hour).In(cst)}
			if r.IntN(2) == 0 {
				req.Note = "因病住院"
			}
			if next, err := draw.AddReplacementSigned(rec, pools, req, approver); err == nil {
				rec = next
			}
		}
		if len(rec.Replacements) > 0 {
			add("replacements")
			if approver != nil {
				add("approved")
			}
		}
	}
	var opt draw.VerifyOptions
	if r.IntN(5) < 2 {
		add("lock")
		if r.IntN(2) == 0 {
			// Rule R16: the confirming officer signs; the verifier is given the keyring.
			add("signed")
			signer := lockSigner
			if task.Suite == string(suite.V1SM) {
				add("signed_sm2")
				signer = lockSignerSM2
			}
			if rec, _, err = draw.LockSigned(rec, commit.Add(36*time.Hour), "张科长", signer); err != nil {
				return made{}, err
			}
			files.Keyring = keyringFile
			opt.Signatures, opt.RequireSignature = lockKeyring, true
			opt.Approvals = lockKeyring // the CLI checks both with one --keyring
			if slices.ContainsFunc(rec.Replacements, func(x draw.Replacement) bool { return x.Approval != nil }) {
				add("approved_checked")
				if rec.Replacements[0].Approval != nil && rec.Replacements[0].Approval.Algorithm == suite.SM2 {
					add("approved_checked_sm2")
				}
			}
		} else if rec, _, err = draw.Lock(rec, commit.Add(36*time.Hour), "张科长"); err != nil {
			return made{}, err
		}
		if r.IntN(2) == 0 {
			add("anchor")
			a, err := draw.AnchorOf(&rec)
			if err != nil {
				return made{}, err
			}
			files.Anchor, opt.Anchor = a.Hash, a.Hash
		}
	}
	data, err := draw.MarshalRecord(&rec)
	if err != nil {
		return made{}, err
	}
	if err := os.WriteFile(files.Record, data, 0o644); err != nil {
		return made{}, err
	}
	// The Go verifier accepts what it wrote, from the files (sanity).
	back, err := draw.DecodeRecord(bytes.NewReader(data))
	if err != nil {
		return made{}, fmt.Errorf("decode own record: %w", err)
	}
	if err := draw.VerifyWith(&back, targets, pools, opt); err != nil {
		return made{}, fmt.Errorf("go verify of own record: %w", err)
	}
	if len(targets) <= 1500 && r.IntN(3) == 0 {
		// The bundle of ssj task export: manifest.json and the inclusion
		// proofs of the drawn targets in the whole target file.
		add("bundle")
		mj, err := draw.MarshalManifest(&rec.Manifest)
		if err != nil {
			return made{}, err
		}
		cs, err := rec.Manifest.CryptoSuite()
		if err != nil {
			return made{}, err
		}
		var proofs []registry.Proof
		for _, s := range rec.Selected {
			p, err := registry.ProveTargetWith(cs, targets, s.Target)
			if err != nil {
				return made{}, err
			}
			proofs = append(proofs, p)
		}
		pj, err := json.Marshal(proofs)
		if err != nil {
			return made{}, err
		}
		files.Manifest, files.Proofs = filepath.Join(dir, id+"-manifest.json"), filepath.Join(dir, id+"-proofs.json")
		if err := os.WriteFile(files.Manifest, mj, 0o644); err != nil {
			return made{}, err
		}
		if err := os.WriteFile(files.Proofs, pj, 0o644); err != nil {
			return made{}, err
		}
	}
	mc := made{files: files, targets: targets, pools: pools, record: data, features: feat, opt: opt}
	if rec.Lock != nil && (files.Anchor != "" || files.Keyring != "") {
		if err := mc.tampered(dir, rec); err != nil {
			return made{}, err
		}
	}
	for _, st := range rec.Strata {
		if st.Uplifted > 0 {
			mc.features = append(mc.features, "uplifted")
			break
		}
	}
	return mc, nil
}

// leaf is one scalar of the record's JSON and the path to it.
type leaf struct {
	path string
	set  func(any)
	val  any
}

func leaves(v any, path string, set func(any), out *[]leaf) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			leaves(e, p, func(n any) { x[k] = n }, out)
		}
	case []any:
		for i, e := range x {
			leaves(e, fmt.Sprintf("%s[%d]", path, i), func(n any) { x[i] = n }, out)
		}
	case nil:
	default:
		*out = append(*out, leaf{path, set, v})
	}
}

// edited returns a changed value: a number plus one, a flipped boolean, a
// string with its last digit or hex letter changed, or an X appended.
func edited(v any) any {
	switch x := v.(type) {
	case bool:
		return !x
	case json.Number:
		n, _ := x.Int64()
		return json.Number(strconv.FormatInt(n+1, 10))
	case string:
		b := []byte(x)
		if len(b) > 0 {
			c := b[len(b)-1]
			switch {
			case c >= '0' && c <= '8', c >= 'a' && c <= 'e':
				b[len(b)-1] = c + 1
				return string(b)
			case c == '9':
				b[len(b)-1] = '0'
				return string(b)
			case c == 'f':
				b[len(b)-1] = 'a'
				return string(b)
			}
		}
		return x + "X"
	}
	panic(fmt.Sprintf("unexpected %T", v))
}

// pickEdit writes case m's single-field edit: a random scalar of the record
// changed so that the Go code refuses it too (with the case's anchor and
// keyring, when it has them).
func pickEdit(t *testing.T, r *rand.Rand, dir string, m *made) {
	t.Helper()
	for try := 0; try < 100; try++ {
		dec := json.NewDecoder(bytes.NewReader(m.record))
		dec.UseNumber()
		var doc any
		require.NoError(t, dec.Decode(&doc))
		var ls []leaf
		leaves(doc, "", nil, &ls)
		slices.SortFunc(ls, func(a, b leaf) int { return strings.Compare(a.path, b.path) })
		l := pick(r, ls)
		l.set(edited(l.val))
		data, err := json.MarshalIndent(doc, "", "  ")
		require.NoError(t, err)
		rec, err := draw.DecodeRecord(bytes.NewReader(data))
		goPath := ""
		if err == nil {
			err = draw.VerifyWith(&rec, m.targets, m.pools, m.opt)
			if err == nil {
				continue // not a change the format can see; pick another
			}
			var ve *draw.VerifyError
			if errors.As(err, &ve) {
				goPath = ve.Path
			}
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, m.files.ID+"-edit.json"), data, 0o644))
		m.edit, m.goPath = l.path, goPath
		return
	}
	t.Fatalf("%s: no edit the Go verifier refuses in 100 tries", m.files.ID)
}

// The lock signers of the generated tasks (Ed25519, and SM2 for the
// national-suite tasks) and their keyring (spec §10.2, Appendix H.2).
var (
	lockSigner    draw.Signer
	lockSignerSM2 draw.Signer
	lockKeyring   publish.Keyring
	keyringFile   string
	// approvalSigner and approvalSignerSM2 are 王副局长's deputy-head keys
	// (rule R18), in the same keyring.
	approvalSigner    draw.Signer
	approvalSignerSM2 draw.Signer
	approvalPath      = regexp.MustCompile(`^replacements\[\d+\]\.approval$`)
)

// setUpKeys makes the deterministic Ed25519 and SM2 keys of 张科长 and
// writes their keyring into dir.
func setUpKeys(t *testing.T, dir string) {
	t.Helper()
	key, err := publish.GenerateEd25519(bytes.NewReader(bytes.Repeat([]byte{7}, 32)), "分局", "张科长")
	require.NoError(t, err)
	s, err := key.Signer()
	require.NoError(t, err)
	lockSigner = s
	d, err := hex.DecodeString("3945208f7b2144b13f36e38ac6d39f9588939369" + "2860b51a42fb81ef4df7c5b8")
	require.NoError(t, err)
	priv, err := sm2.NewPrivateKey(d)
	require.NoError(t, err)
	sm, err := suite.NewSM2Signer(priv)
	require.NoError(t, err)
	lockSignerSM2 = sm
	smKey := publish.PublicKey{KeyID: sm.KeyID(), Algorithm: sm.Algorithm(), Unit: "分局", Holder: "张科长",
		Role: publish.RolePrincipalHead, Key: base64.StdEncoding.EncodeToString(sm.Public())}
	deputy, err := publish.GenerateEd25519(bytes.NewReader(bytes.Repeat([]byte{8}, 32)), "分局", "王副局长")
	require.NoError(t, err)
	deputy.Role = publish.RoleDeputyHead
	if approvalSigner, err = deputy.Signer(); err != nil {
		t.Fatal(err)
	}
	d2, err := hex.DecodeString("5945208f7b2144b13f36e38ac6d39f9588939369" + "2860b51a42fb81ef4df7c5b8")
	require.NoError(t, err)
	priv2, err := sm2.NewPrivateKey(d2)
	require.NoError(t, err)
	sm2s, err := suite.NewSM2Signer(priv2)
	require.NoError(t, err)
	approvalSignerSM2 = sm2s
	smDeputy := publish.PublicKey{KeyID: sm2s.KeyID(), Algorithm: sm2s.Algorithm(), Unit: "分局", Holder: "王副局长",
		Role: publish.RoleDeputyHead, Key: base64.StdEncoding.EncodeToString(sm2s.Public())}
	lockKeyring = publish.Keyring{Keys: []publish.PublicKey{key.PublicKey, smKey, deputy.PublicKey, smDeputy}}
	b, err := json.Marshal(lockKeyring)
	require.NoError(t, err)
	keyringFile = filepath.Join(dir, "keyring.json")
	require.NoError(t, os.WriteFile(keyringFile, b, 0o644))
}

// tampered adds the records that rewrite what only the anchor or the
// signature pins: the last replacement dropped (a correct record of the
// draw on its own), and lock.by rewritten with lock.hash recomputed. Both
// verify without options and must fail with the case's anchor or keyring;
// the Go verifier is asked too.
func (m *made) tampered(dir string, rec draw.Record) error {
	write := func(name string, r draw.Record) error {
		if err := draw.VerifyWith(&r, m.targets, m.pools, m.opt); err == nil {
			return fmt.Errorf("%s: the Go verifier accepts the tampered record %s", m.files.ID, name)
		}
		data, err := draw.MarshalRecord(&r)
		if err != nil {
			return err
		}
		c := m.files
		c.ID, c.Record = m.files.ID+"-"+name, filepath.Join(dir, m.files.ID+"-"+name+".json")
		m.extra = append(m.extra, c)
		return os.WriteFile(c.Record, data, 0o644)
	}
	if len(rec.Replacements) > 0 && m.files.Anchor != "" {
		m.features = append(m.features, "dropped_replacement")
		d := rec
		d.Replacements = slices.Clone(rec.Replacements[:len(rec.Replacements)-1])
		if err := write("dropped", d); err != nil {
			return err
		}
	}
	if m.files.Keyring != "" {
		// One field of a checked approval edited: only the signature sees it.
		for i, x := range rec.Replacements {
			if x.Approval == nil {
				continue
			}
			m.features = append(m.features, "approval_edited")
			d := rec
			d.Replacements = slices.Clone(rec.Replacements)
			a := *x.Approval
			if a.Value[0] == 'A' {
				a.Value = "B" + a.Value[1:]
			} else {
				a.Value = "A" + a.Value[1:]
			}
			d.Replacements[i].Approval = &a
			if err := write("approval", d); err != nil {
				return err
			}
			break
		}
	}
	m.features = append(m.features, "relocked")
	l := *rec.Lock
	l.By = "另一人"
	cs, err := rec.Manifest.CryptoSuite()
	if err != nil {
		return err
	}
	h, err := draw.LockHashWith(cs, &l)
	if err != nil {
		return err
	}
	l.Hash = h
	d := rec
	d.Lock = &l
	return write("relocked", d)
}
