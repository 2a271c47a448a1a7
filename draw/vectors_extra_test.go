package draw

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shuangsuiji/ssj/registry"
)

// The joint-task and uplift vectors (docs/draw-spec.md §12 and Appendix
// C §8): written by `go test ./draw -run TestVectors -update` like the
// main vectors, otherwise compared byte for byte. Each directory holds the
// task, the pools, the manifest and the record, so that an auditor can
// re-run the draw from them.

// vecExtraSources declares the bundled quicknet beacon, the commit time
// ten minutes before its round.
func vecExtraSources(t testing.TB) ([]Source, []Evidence, time.Time) {
	b := dtDemoBeacon(t)
	ch, err := DrandChainByName("quicknet")
	require.NoError(t, err)
	commit := ch.RoundTime(b.Round).Add(-10 * time.Minute).UTC()
	return []Source{{Kind: SourceDrand, Network: "quicknet", Round: b.Round}}, []Evidence{b.Evidence()}, commit
}

// vecJointPools are the hotels and inspectors of the joint vector: 治安
// launches with ZA-01, 出入境 checks CRJ-01, 消防 XF-01 (rule R20); JJ01 of
// 交警 holds all three items but its department owns none, CR04 of 出入境
// lacks CRJ-01.
func vecJointPools() ([]registry.Target, []registry.Inspector) {
	var ts []registry.Target
	for i := range 8 {
		ts = append(ts, registry.Target{ID: fmt.Sprintf("91440104MA5HOTEL%02d", i), Name: fmt.Sprintf("示例宾馆%d", i),
			Kind: registry.KindEntity, Jurisdiction: "440104", Industry: "H6110", CreditClass: "B",
			Status: registry.StatusActive, Departments: []string{"治安", "出入境", "消防"}})
	}
	in := func(cert, dept string, leader bool, quals ...string) registry.Inspector {
		return registry.Inspector{Cert: cert, Name: "检查员" + cert, Department: dept, Unit: dept + "大队", Jurisdiction: "440104",
			Qualifications: quals, LeaderEligible: leader, Active: true}
	}
	ins := []registry.Inspector{
		in("ZA01", "治安", true, "ZA-01"), in("ZA02", "治安", true, "ZA-01", "ZA-03"), in("ZA03", "治安", true, "ZA-01"),
		in("CR01", "出入境", false, "CRJ-01"), in("CR02", "出入境", false, "CRJ-01", "ZA-01"), in("CR03", "出入境", false, "CRJ-01"),
		in("CR04", "出入境", false, "ZA-01"),
		in("XF01", "消防", false, "XF-01"), in("XF02", "消防", false, "XF-01"), in("XF03", "消防", false, "XF-01"),
		in("JJ01", "交警", true, "ZA-01", "CRJ-01", "XF-01"),
	}
	return ts, ins
}

// vecUpliftPool is the pool of the uplift vector: credit classes A–D, with
// abnormal, serious-violation and complaint flags (rule R12).
func vecUpliftPool() []registry.Target {
	mk := func(id, class string, abnormal, serious bool, complaints int) registry.Target {
		return registry.Target{ID: id, Name: "企业" + id[len(id)-7:], Kind: registry.KindEntity, Jurisdiction: "330106", Industry: "F5221",
			CreditClass: class, Abnormal: abnormal, SeriousViolation: serious, Complaints: complaints,
			Status: registry.StatusActive, Departments: []string{"市场监管"}}
	}
	return []registry.Target{
		mk("91330106MA2UPA0001", "A", false, false, 0),
		mk("91330106MA2UPA0002", "A", true, false, 0),  // abnormal: A → D
		mk("91330106MA2UPA0003", "A", false, false, 3), // 3 complaints: A → B
		mk("91330106MA2UPA0004", "A", false, false, 2), // below the threshold
		mk("91330106MA2UPB0001", "B", false, false, 0),
		mk("91330106MA2UPB0002", "B", false, true, 0), // serious violation: B → D
		mk("91330106MA2UPB0003", "B", false, false, 0),
		mk("91330106MA2UPC0001", "C", false, false, 5), // complaints: C → D
		mk("91330106MA2UPC0002", "C", false, false, 0),
		mk("91330106MA2UPC0003", "C", false, false, 0),
		mk("91330106MA2UPD0001", "D", true, true, 9), // already D
		mk("91330106MA2UPD0002", "D", false, false, 0),
	}
}

// vecExtraFiles computes the files of both directories, path → content.
func vecExtraFiles(t testing.TB) map[string][]byte {
	files := map[string][]byte{}
	put := func(name string, v any) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		require.NoError(t, enc.Encode(v))
		files[name] = buf.Bytes()
	}
	src, ev, commit := vecExtraSources(t)

	// Joint task: three departments, one item each, a fourth (open) seat,
	// then one approved replacement of the 出入境 seat (rule R18).
	targets, ins := vecJointPools()
	joint := Task{
		ID: "VEC-LH-01", Name: "测试向量：旅馆业联合抽查", Items: []string{"ZA-01", "CRJ-01", "XF-01"},
		Scope: Scope{Industries: []string{"H6110"}}, Quota: QuotaRule{DefaultRatio: "0.5"},
		Sources: src, CommitTime: commit,
		Inspectors: &MatchSpec{TeamSize: 4, LaunchingDepartment: "治安", ParticipatingDepartments: []string{"出入境", "消防"},
			Items: []string{"ZA-01", "CRJ-01", "XF-01"},
			ItemDepartments: []ItemDepartment{
				{Item: "ZA-01", Department: "治安"}, {Item: "CRJ-01", Department: "出入境"}, {Item: "XF-01", Department: "消防"},
			},
			WindowFrom: commit.Add(24 * time.Hour), WindowTo: commit.Add(60 * 24 * time.Hour), Cap: 3},
	}
	pools := &InspectorPools{Home: ins}
	m, err := Commit(joint, targets, pools)
	require.NoError(t, err)
	rec, err := Run(m, ev, targets, pools)
	require.NoError(t, err)
	seat := slices.IndexFunc(rec.Groups[0].Seats, func(s Seat) bool { return s.Kind == SeatDepartment && s.SeatDepartment == "出入境" })
	rec, err = AddReplacement(rec, pools, ReplacementRequest{Target: rec.Groups[0].Target, Inspector: rec.Groups[0].Seats[seat].Cert,
		Reason: ReplaceWorkConflict, Approver: "分管副局长王五", At: commit.Add(48 * time.Hour)})
	require.NoError(t, err)
	put("joint/task.json", joint)
	put("joint/targets.json", targets)
	put("joint/inspectors.json", ins)
	mj, err := MarshalManifest(&m)
	require.NoError(t, err)
	files["joint/manifest.json"] = mj
	rj, err := MarshalRecord(&rec)
	require.NoError(t, err)
	files["joint/record.json"] = rj

	// Uplift task: abnormal or serious violation → D, 3+ complaints → one
	// class up (rule R12).
	up := Task{
		ID: "VEC-UP-01", Name: "测试向量：信用分类抽查（风险上调）", Items: []string{"SC-01"},
		Scope: Scope{Jurisdictions: []string{"330106"}}, Strata: []string{StratumCreditClass},
		Quota: QuotaRule{Ratios: []StratumRatio{
			{Stratum: "A", Ratio: "0.05"}, {Stratum: "B", Ratio: "0.2"}, {Stratum: "C", Ratio: "0.5"}, {Stratum: "D", Ratio: "0.7"},
		}},
		Uplift:  &Uplift{Classes: []string{"A", "B", "C", "D"}, Abnormal: "D", SeriousViolation: "D", ComplaintsAtLeast: 3},
		Sources: src, CommitTime: commit,
	}
	upool := vecUpliftPool()
	um, err := Commit(up, upool, nil)
	require.NoError(t, err)
	urec, err := Run(um, ev, upool, nil)
	require.NoError(t, err)
	put("uplift/task.json", up)
	put("uplift/targets.json", upool)
	umj, err := MarshalManifest(&um)
	require.NoError(t, err)
	files["uplift/manifest.json"] = umj
	urj, err := MarshalRecord(&urec)
	require.NoError(t, err)
	files["uplift/record.json"] = urj
	return files
}

// TestVectorsJointAndUplift pins the joint-task vector (rules R14, R17,
// R18, R20) and the uplift vector (rule R12), and checks that each
// published record decodes, verifies against its pools and conforms to
// docs/record.schema.json.
func TestVectorsJointAndUplift(t *testing.T) {
	files := vecExtraFiles(t)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	dir := "testdata"
	if *vecUpdate {
		for _, n := range names {
			p := filepath.Join(dir, n)
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, files[n], 0o644))
		}
	}
	for _, n := range names {
		want, err := os.ReadFile(filepath.Join(dir, n))
		require.NoError(t, err, "run go test ./draw -run TestVectors -update")
		if !bytes.Equal(files[n], want) {
			t.Errorf("testdata/%s differs from the published vector", n)
		}
	}

	raw, err := os.ReadFile("../docs/record.schema.json")
	require.NoError(t, err)
	schema := dtDecodeNumber(t, raw).(map[string]any)

	targets, ins := vecJointPools()
	for _, c := range []struct {
		dir     string
		targets []registry.Target
		pools   *InspectorPools
	}{
		{"joint", targets, &InspectorPools{Home: ins}},
		{"uplift", vecUpliftPool(), nil},
	} {
		b := files[c.dir+"/record.json"]
		rec, err := DecodeRecord(bytes.NewReader(b))
		require.NoError(t, err, c.dir)
		require.NoError(t, Verify(&rec, c.targets, c.pools), c.dir)
		require.NoError(t, schemaCheck(schema, schema, dtDecodeNumber(t, b), "record"), c.dir)
	}
}
