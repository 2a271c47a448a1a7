package draw

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shuangsuiji/ssj/registry"
)

func dtInspectors(n int) []registry.Inspector {
	out := make([]registry.Inspector, n)
	for i := range out {
		out[i] = registry.Inspector{
			Cert: fmt.Sprintf("ZJ33010600%03d", i), Name: fmt.Sprintf("检查员%d", i),
			Department: "市场监管", Unit: "西湖区市场监管局", Jurisdiction: "330106",
			Qualifications: []string{"SC-01"}, LeaderEligible: i%2 == 0, Active: true,
		}
	}
	return out
}

func dtMatchTask() Task {
	task := dtTask()
	task.Inspectors = &MatchSpec{
		TeamSize: 2, LaunchingDepartment: "市场监管",
		WindowFrom: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC),
		WindowTo:   time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC),
		Cap:        3,
	}
	return task
}

// Rules R17–R19: a draw with inspector matching records one group per
// selected target, verifies, and accepts replacements after the lock.
func TestRunWithInspectors(t *testing.T) {
	pool := dtPool(200, 21)
	pools := &InspectorPools{Home: dtInspectors(120)}
	m, err := Commit(dtMatchTask(), pool, pools)
	if err != nil {
		t.Fatal(err)
	}
	if m.Inspectors == nil || m.Inspectors.Pool.Count != 120 || m.Inspectors.Spec.Items[0] != "SC-01" {
		t.Fatalf("inspector manifest %+v", m.Inspectors)
	}
	_, ev := dtSources()
	rec, err := Run(m, ev, pool, pools)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Groups) != len(rec.Selected) || len(rec.Selected) == 0 {
		t.Fatalf("%d groups for %d targets", len(rec.Groups), len(rec.Selected))
	}
	for i, g := range rec.Groups {
		if g.Target != rec.Selected[i].Target || len(g.Seats) != 2 || g.Seats[0].Role != RoleLeader {
			t.Fatalf("group %d: %+v", i, g)
		}
	}
	if err := Verify(&rec, pool, pools); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	locked, _, err := Lock(rec, dtCommit.Add(time.Hour), "科长张三")
	if err != nil {
		t.Fatal(err)
	}
	req := ReplacementRequest{Target: rec.Groups[0].Target, Inspector: rec.Groups[0].Seats[1].Cert,
		Reason: ReplaceHealth, Approver: "副局长王五", At: dtCommit.Add(2 * time.Hour)}
	replaced, err := AddReplacement(locked, pools, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(replaced.Replacements) != 1 {
		t.Fatalf("replacements %d", len(replaced.Replacements))
	}
	if err := Verify(&replaced, pool, pools); err != nil {
		t.Fatalf("Verify after replacement on a locked record: %v", err)
	}
	// Tampering with a group seat or a replacement is named.
	r := dtClone(t, &replaced)
	r.Groups[1].Seats[0].Cert = "ZJ330106009999"
	if err := Verify(&r, pool, pools); err == nil || !strings.Contains(err.Error(), "groups[1].seats[0].cert") {
		t.Errorf("tampered seat: %v", err)
	}
	r = dtClone(t, &replaced)
	r.Replacements[0].Newcomer.Cert = r.Groups[0].Seats[0].Cert
	if err := Verify(&r, pool, pools); !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "replacements[0]") {
		t.Errorf("tampered replacement: %v", err)
	}
	// Another inspector pool does not match the commitment.
	other := &InspectorPools{Home: dtInspectors(121)}
	if err := Verify(&rec, pool, other); !errors.Is(err, ErrPoolMismatch) || !strings.Contains(err.Error(), "manifest.inspectors.pool") {
		t.Errorf("other inspector pool: %v", err)
	}
}
