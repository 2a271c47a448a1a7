package draw

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// schemaCheck checks v (decoded with UseNumber) against the subset of JSON
// Schema that docs/record.schema.json uses: $ref, type, properties,
// required, additionalProperties false, items, const, enum, pattern and
// minimum. It returns the first problem with its path.
func schemaCheck(root map[string]any, s map[string]any, v any, path string) error {
	if r, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(r, "#/$defs/")
		d, ok := root["$defs"].(map[string]any)[name].(map[string]any)
		if !ok {
			return fmt.Errorf("%s: unknown $ref %s", path, r)
		}
		return schemaCheck(root, d, v, path)
	}
	if c, ok := s["const"]; ok && fmt.Sprint(c) != fmt.Sprint(v) {
		return fmt.Errorf("%s: %v is not the constant %v", path, v, c)
	}
	if e, ok := s["enum"].([]any); ok && !slices.ContainsFunc(e, func(x any) bool { return fmt.Sprint(x) == fmt.Sprint(v) }) {
		return fmt.Errorf("%s: %v is not in %v", path, v, e)
	}
	switch t, _ := s["type"].(string); t {
	case "object":
		o, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: not an object", path)
		}
		props, _ := s["properties"].(map[string]any)
		for k, x := range o {
			ps, ok := props[k].(map[string]any)
			if !ok {
				return fmt.Errorf("%s: member %q is not in the schema", path, k)
			}
			if err := schemaCheck(root, ps, x, path+"."+k); err != nil {
				return err
			}
		}
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := o[r.(string)]; !ok {
				return fmt.Errorf("%s: required member %q missing", path, r)
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: not an array", path)
		}
		it, _ := s["items"].(map[string]any)
		for i, x := range a {
			if err := schemaCheck(root, it, x, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s: not a string", path)
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(str) {
			return fmt.Errorf("%s: %q does not match %s", path, str, p)
		}
		if s["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				return fmt.Errorf("%s: %q is not a date-time", path, str)
			}
		}
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return fmt.Errorf("%s: not a number", path)
		}
		i, err := n.Int64()
		if err != nil {
			return fmt.Errorf("%s: %s is not an integer", path, n)
		}
		if m, ok := s["minimum"].(json.Number); ok {
			if min, _ := m.Int64(); i < min {
				return fmt.Errorf("%s: %d below minimum %d", path, i, min)
			}
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s: not a boolean", path)
		}
	}
	return nil
}

func dtDecodeNumber(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// docs/record.schema.json describes every member of a full record: with
// batches, inspector groups, a replacement and the lock.
func TestRecordSchema(t *testing.T) {
	raw, err := os.ReadFile("../docs/record.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	schema := dtDecodeNumber(t, raw).(map[string]any)

	pool := dtPool(200, 21)
	pools := &InspectorPools{Home: dtInspectors(120)}
	task := dtMatchTask()
	task.Batches = 2
	task.Exclusions = []Exclusion{{Target: pool[idxIn(pool)].ID, Reason: "专项整治"}}
	task.Compliant = []ComplianceRecord{{Target: "X", Item: "SC-01", Date: "2026-01-01"}}
	m, err := Commit(task, pool, pools)
	if err != nil {
		t.Fatal(err)
	}
	_, ev := dtSources()
	rec, err := Run(m, ev, pool, pools)
	if err != nil {
		t.Fatal(err)
	}
	rec, _, err = Lock(rec, dtCommit.Add(time.Hour), "科长张三")
	if err != nil {
		t.Fatal(err)
	}
	rec, err = AddReplacement(rec, pools, ReplacementRequest{Target: rec.Groups[0].Target, Inspector: rec.Groups[0].Seats[1].Cert,
		Reason: ReplaceRecusal, Approver: "副局长王五", At: dtCommit.Add(2 * time.Hour), Note: "近亲属"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := MarshalRecord(&rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := schemaCheck(schema, schema, dtDecodeNumber(t, b), "record"); err != nil {
		t.Fatal(err)
	}
	// The published vector record conforms too.
	vb, err := os.ReadFile("testdata/vectors/05-record.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := schemaCheck(schema, schema, dtDecodeNumber(t, vb), "vector"); err != nil {
		t.Fatal(err)
	}
	// So does vector 07 (groups, an empty fallback_exclusions, lock with
	// hash, a replacement), and a signed lock.
	vb, err = os.ReadFile("testdata/vectors/07-record.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := schemaCheck(schema, schema, dtDecodeNumber(t, vb), "vector 07"); err != nil {
		t.Fatal(err)
	}
	// The national-suite vectors conform (the manifest's "suite").
	for _, name := range []string{"05-record.json", "07-record.json"} {
		vb, err = os.ReadFile("testdata/vectors-sm/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := schemaCheck(schema, schema, dtDecodeNumber(t, vb), "vectors-sm/"+name); err != nil {
			t.Fatal(err)
		}
	}
	signed, _ := lockFixture(t, 0, testSigner{})
	sb, err := MarshalRecord(&signed)
	if err != nil {
		t.Fatal(err)
	}
	if err := schemaCheck(schema, schema, dtDecodeNumber(t, sb), "signed"); err != nil {
		t.Fatal(err)
	}
	// And a member the schema does not know is caught.
	bad := strings.Replace(string(b), `"format"`, `"colour": "red", "format"`, 1)
	if err := schemaCheck(schema, schema, dtDecodeNumber(t, []byte(bad)), "record"); err == nil {
		t.Fatal("unknown member not caught")
	}
}
