package api_test

import (
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/shuangsuiji/ssj/api"
	"github.com/shuangsuiji/ssj/office/demo"
)

type oaParam struct {
	Ref  string `yaml:"$ref"`
	Name string `yaml:"name"`
	In   string `yaml:"in"`
}

type oaOp struct {
	OperationID string             `yaml:"operationId"`
	Roles       []string           `yaml:"x-roles"`
	Security    []map[string]any   `yaml:"security"`
	Parameters  []oaParam          `yaml:"parameters"`
	Responses   map[string]oaParam `yaml:"responses"`
}

type oaDoc struct {
	OpenAPI    string                     `yaml:"openapi"`
	Paths      map[string]map[string]oaOp `yaml:"paths"`
	Components struct {
		Parameters map[string]oaParam `yaml:"parameters"`
		Responses  map[string]any     `yaml:"responses"`
		Schemas    map[string]any     `yaml:"schemas"`
		Headers    map[string]any     `yaml:"headers"`
	} `yaml:"components"`
}

// docs/openapi.yaml and the server's routes describe the same API: every
// route is documented with the roles it admits, every documented
// operation is routed, every path parameter is declared, every $ref
// resolves.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	raw, err := os.ReadFile("../docs/openapi.yaml")
	require.NoError(t, err)
	var doc oaDoc
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	assert.Equal(t, "3.1.0", doc.OpenAPI)

	f := newFixture(t, demo.StageRegistries, api.Config{})
	routed := map[string]api.Route{}
	for _, r := range f.api.Routes() {
		p := strings.TrimSuffix(r.Pattern, "{$}")
		routed[strings.ToLower(r.Method)+" "+p] = r
	}
	documented := map[string]oaOp{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			documented[method+" "+path] = op
		}
	}
	keys := func(m map[string]api.Route) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	var docKeys []string
	for k := range documented {
		docKeys = append(docKeys, k)
	}
	sort.Strings(docKeys)
	assert.Equal(t, keys(routed), docKeys, "routes and docs/openapi.yaml differ")

	pathParam := regexp.MustCompile(`\{([a-z0-9_]+)\}`)
	ids := map[string]bool{}
	for key, op := range documented {
		require.NotEmpty(t, op.OperationID, key)
		assert.False(t, ids[op.OperationID], "operationId %s twice", op.OperationID)
		ids[op.OperationID] = true
		r, ok := routed[key]
		if !ok {
			continue
		}
		var want []string
		for _, role := range r.Role {
			want = append(want, string(role))
		}
		assert.Equal(t, want, op.Roles, "%s: x-roles", key)
		assert.Equal(t, len(want) > 0, len(op.Security) > 0, "%s: security is declared exactly for staff routes", key)
		if len(want) > 0 {
			assert.Contains(t, op.Responses, "401", key)
			assert.Contains(t, op.Responses, "403", key)
		}
		// Path parameters.
		var declared []string
		for _, p := range op.Parameters {
			if p.Ref != "" {
				name := strings.TrimPrefix(p.Ref, "#/components/parameters/")
				cp, ok := doc.Components.Parameters[name]
				require.True(t, ok, "%s: unresolved %s", key, p.Ref)
				p = cp
			}
			if p.In == "path" {
				declared = append(declared, p.Name)
			}
		}
		path := strings.SplitN(key, " ", 2)[1]
		for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
			assert.True(t, slices.Contains(declared, m[1]), "%s: path parameter %s not declared", key, m[1])
		}
		for code, resp := range op.Responses {
			if resp.Ref != "" {
				_, ok := doc.Components.Responses[strings.TrimPrefix(resp.Ref, "#/components/responses/")]
				assert.True(t, ok, "%s %s: unresolved %s", key, code, resp.Ref)
			}
		}
	}
	// Every $ref anywhere resolves.
	for _, m := range regexp.MustCompile(`\$ref: '#/components/(\w+)/(\w+)'`).FindAllStringSubmatch(string(raw), -1) {
		var ok bool
		switch m[1] {
		case "parameters":
			_, ok = doc.Components.Parameters[m[2]]
		case "responses":
			_, ok = doc.Components.Responses[m[2]]
		case "schemas":
			_, ok = doc.Components.Schemas[m[2]]
		case "headers":
			_, ok = doc.Components.Headers[m[2]]
		}
		assert.True(t, ok, "unresolved $ref %s", m[0])
	}
}
