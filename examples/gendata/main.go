// Command gendata writes the bundled sample district (examples/data): a
// target registry (检查对象名录库) and an inspector registry (执法检查人员名录库)
// for five districts of a city public-security bureau, in the CSV format
// registry.DecodeCSV reads.
//
// The data is invented but shaped like a real district's: the industries
// (GB/T 4754-2017 codes) public security supervises (hotels, seal engraving, entertainment venues,
// internet cafés, pawn shops and scrap-metal buyers, precursor chemicals,
// driving schools, network operators, large events), a skewed credit-risk
// distribution, some entities on the abnormal-operations and
// serious-violation lists, a few deregistered or revoked entities, valid
// 统一社会信用代码 (GB 32100-2015 check character and GB 11714 organisation
// code check digit), and ~100 inspectors over 治安, 出入境, 网警, 禁毒, 交警 and
// 消防 with qualifications drawn from the checklist item codes, leave
// periods and declared interests.
//
// Output is a pure function of the flags: the same -seed gives the same
// bytes. (math/rand/v2 is fine here: this is sample data, not a draw.)
//
// Usage:
//
//	go run ./examples/gendata                               # rewrite examples/data
//	go run ./examples/gendata -targets 1000000 -out /tmp/x  # benchmark input
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/shuangsuiji/ssj/registry"
)

func main() {
	seed := flag.Uint64("seed", 2026, "random seed; the same seed gives the same files")
	nt := flag.Int("targets", 3000, "number of targets")
	ni := flag.Int("inspectors", 100, "number of inspectors")
	out := flag.String("out", "examples/data", "output directory")
	flag.Parse()
	if *nt < 1 || *ni < 1 {
		fmt.Fprintln(os.Stderr, "gendata: -targets and -inspectors must be positive")
		os.Exit(2)
	}
	g := newGen(*seed)
	ts := g.targets(*nt)
	ins := g.inspectors(*ni, ts)
	if err := writeFile(filepath.Join(*out, "targets.csv"), func(w *bufio.Writer) error { return registry.WriteTargetsCSV(w, ts) }); err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
	if err := writeFile(filepath.Join(*out, "inspectors.csv"), func(w *bufio.Writer) error { return registry.WriteInspectorsCSV(w, ins) }); err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d targets and %d inspectors to %s\n", len(ts), len(ins), *out)
}

func writeFile(path string, write func(*bufio.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := write(w); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

type district struct {
	code, name string
	weight     int
}

// The five districts, weighted roughly by number of businesses.
var districts = []district{
	{"440103", "荔湾", 14}, {"440104", "越秀", 20}, {"440105", "海珠", 20}, {"440106", "天河", 26}, {"440111", "白云", 20},
}

type industry struct {
	codes       []string // GB/T 4754-2017 industry codes (the Target.Industry values)
	name        string   // what public security calls the trade
	depts       []string // supervising departments
	suffixes    []string // name endings
	weight      int
	individuals int // percent run as 个体工商户
}

// The trades public security supervises, with their GB/T 4754-2017 codes:
// H6110 旅游饭店, H6121 经济型连锁酒店, H6129 其他一般旅馆, O8090 其他居民服务
// (seal engraving), R9011 歌舞厅娱乐活动, R9013 网吧活动, J6633 典当, F5191
// 再生物资回收与批发, F5169 其他化工产品批发, P8391 职业技能培训 (driving
// schools), I6429 互联网其他信息服务, I6513 应用软件开发.
var industries = []industry{
	{[]string{"H6110", "H6110", "H6121", "H6129"}, "旅馆业", []string{"治安", "出入境", "消防"}, []string{"酒店有限公司", "宾馆", "商务酒店", "公寓酒店管理有限公司"}, 22, 25},
	{[]string{"O8090"}, "印章刻制业", []string{"治安"}, []string{"刻章服务部", "印章刻制有限公司"}, 4, 40},
	{[]string{"R9011"}, "娱乐场所", []string{"治安", "消防"}, []string{"娱乐有限公司", "KTV", "歌舞娱乐城"}, 10, 5},
	{[]string{"R9013"}, "互联网上网服务营业场所", []string{"网警", "消防"}, []string{"网咖", "网络会所有限公司", "电竞馆"}, 9, 30},
	{[]string{"J6633"}, "典当业", []string{"治安"}, []string{"典当行有限公司"}, 3, 0},
	{[]string{"F5191"}, "废旧金属收购业", []string{"治安"}, []string{"再生资源回收站", "废旧金属回收有限公司"}, 7, 45},
	{[]string{"F5169"}, "易制毒化学品经营", []string{"禁毒"}, []string{"化工有限公司", "化学试剂有限公司"}, 6, 0},
	{[]string{"P8391"}, "机动车驾驶人培训", []string{"交警"}, []string{"驾驶员培训有限公司", "驾校"}, 3, 0},
	{[]string{"I6429", "I6513"}, "网络运营者", []string{"网警"}, []string{"科技有限公司", "信息技术有限公司", "网络科技有限公司"}, 36, 0},
}

// fixedTargets are always in the sample: examples/data/task.json (the
// bundled draw example) names the first as compliant this year (R11).
var fixedTargets = []registry.Target{
	{ID: "91440103MAT410000M", Name: "广州荔湾宾馆有限公司", Kind: registry.KindEntity, Jurisdiction: "440103", Industry: "H6110",
		CreditClass: "B", Status: registry.StatusActive, Departments: []string{"治安", "出入境", "消防"}},
}

var brandWords = []string{"恒信", "鸿运", "锦华", "金利", "永兴", "华盛", "新城", "南方", "珠江", "白云", "东山", "荔景",
	"天润", "安泰", "嘉禾", "宏达", "富源", "隆昌", "顺景", "广源", "明珠", "星河", "汇丰", "瑞祥", "裕华", "盛世", "骏达", "鹏程"}

var surnames = []string{"陈", "李", "黄", "张", "梁", "刘", "林", "何", "吴", "王", "罗", "郑", "杨", "谢", "冯", "邓", "曾", "周", "许", "叶"}
var givenNames = []string{"伟", "芳", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "志华", "俊杰", "嘉欣", "晓东", "建国", "丽华", "文斌", "少峰", "海燕", "国强"}

// Checklist item codes an inspector of each department may be qualified for.
var deptQuals = map[string][]string{
	"治安":  {"ZA-01", "ZA-02", "ZA-03", "ZA-04"},
	"出入境": {"CRJ-01", "ZA-01"},
	"网警":  {"WJ-01", "WJ-02"},
	"禁毒":  {"JD-01"},
	"交警":  {"JJ-01"},
	"消防":  {"XF-01"},
}

type deptShare struct {
	name  string
	count int // per 100 inspectors
}

var deptShares = []deptShare{{"治安", 35}, {"出入境", 10}, {"网警", 15}, {"禁毒", 10}, {"交警", 12}, {"消防", 18}}

type gen struct {
	r    *rand.Rand
	seen map[string]bool
}

func newGen(seed uint64) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, 0x73736a)), seen: map[string]bool{}}
}

func (g *gen) pct(p int) bool { return g.r.IntN(100) < p }

func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

func (g *gen) weighted(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// orgCodeChars is the GB 11714 character set of the organisation code body.
const orgCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// orgCode returns a 9-character organisation code (主体标识码) with a valid
// GB 11714 check digit: C9 = 11 − Σ value·W mod 11, W = 3,7,9,10,5,8,4,2,
// 10 written X and 11 written 0. Codes issued since 2015 start with "MA".
func (g *gen) orgCode() string {
	var b [9]byte
	start := 0
	if g.pct(60) {
		b[0], b[1], start = 'M', 'A', 2
	}
	for i := start; i < 8; i++ {
		if i == 0 {
			b[i] = "123456789"[g.r.IntN(9)]
		} else {
			b[i] = orgCodeChars[g.r.IntN(len(orgCodeChars))]
		}
	}
	w := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 8; i++ {
		c := b[i]
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		sum += v * w[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		b[8] = 'X'
	case 11:
		b[8] = '0'
	default:
		b[8] = byte('0' + c)
	}
	return string(b[:])
}

// uscc returns a fresh valid 统一社会信用代码: registration authority 9
// (market regulation), type 1 (company) or 2 (individual business), the
// district's division code, an organisation code and the check character.
func (g *gen) uscc(div string, individual bool) string {
	for {
		typ := "91"
		if individual {
			typ = "92"
		}
		body := typ + div + g.orgCode()
		c, err := registry.USCCCheckChar(body)
		if err != nil {
			panic(err) // the alphabet above is the GB 32100 code set
		}
		id := body + string(c)
		if !g.seen[id] {
			g.seen[id] = true
			return id
		}
	}
}

func (g *gen) targets(n int) []registry.Target {
	dw := make([]int, len(districts))
	for i, d := range districts {
		dw[i] = d.weight
	}
	iw := make([]int, len(industries))
	for i, ind := range industries {
		iw[i] = ind.weight
	}
	ts := make([]registry.Target, 0, n)
	for _, t := range fixedTargets[:min(n, len(fixedTargets))] {
		g.seen[t.ID] = true
		ts = append(ts, t)
	}
	events := max(1, n/300) // large events (大型群众性活动) are projects with local IDs
	for i := len(ts); i < n; i++ {
		d := districts[g.weighted(dw)]
		if i >= n-events {
			ts = append(ts, registry.Target{
				ID: fmt.Sprintf("HD-%s-2026-%04d", d.code, i-(n-events)+1), Name: fmt.Sprintf("%s区%s大型群众性活动", d.name, pick(g, brandWords)),
				Kind: registry.KindProject, Jurisdiction: d.code, Industry: "R8870", CreditClass: "B", // 8870 群众文体活动
				Status: registry.StatusActive, Departments: []string{"治安", "消防"},
			})
			continue
		}
		ind := industries[g.weighted(iw)]
		individual := g.pct(ind.individuals)
		t := registry.Target{Kind: registry.KindEntity, Jurisdiction: d.code, Industry: pick(g, ind.codes),
			Departments: append([]string(nil), ind.depts...), Status: registry.StatusActive}
		if individual {
			t.Kind = registry.KindIndividual
			t.Name = fmt.Sprintf("广州市%s区%s%s", d.name, pick(g, brandWords), pick(g, ind.suffixes))
		} else {
			t.Name = fmt.Sprintf("广州%s%s%s", pick(g, brandWords), pick(g, brandWords), pick(g, ind.suffixes))
		}
		t.ID = g.uscc(d.code, individual)
		// Credit class skew: A 30%, B 50%, C 15%, D 5%.
		t.CreditClass = string("ABCD"[g.weighted([]int{30, 50, 15, 5})])
		switch t.CreditClass {
		case "D":
			t.Abnormal, t.SeriousViolation = g.pct(40), g.pct(15)
			t.Complaints = g.r.IntN(12)
		case "C":
			t.Abnormal, t.SeriousViolation = g.pct(10), g.pct(2)
			t.Complaints = g.r.IntN(5)
		default:
			t.Abnormal = g.pct(1)
			if g.pct(20) {
				t.Complaints = 1 + g.r.IntN(2)
			}
		}
		// Status: 95% active; the rest deregistered, revoked, moved out, closed.
		if !g.pct(95) {
			t.Status = []registry.Status{registry.StatusDeregistered, registry.StatusDeregistered,
				registry.StatusRevoked, registry.StatusMovedOut, registry.StatusClosed}[g.r.IntN(5)]
		}
		ts = append(ts, t)
	}
	return ts
}

var cst = time.FixedZone("CST", 8*3600)

var leaveReasons = []string{"年休假", "培训", "借调", "病假", "产假", "援疆"}

func (g *gen) inspectors(n int, ts []registry.Target) []registry.Inspector {
	sw := make([]int, len(deptShares))
	for i, d := range deptShares {
		sw[i] = d.count
	}
	ins := make([]registry.Inspector, 0, n)
	names := map[string]bool{}
	for i := 0; i < n; i++ {
		dept := deptShares[g.weighted(sw)].name
		d := pick(g, districts)
		in := registry.Inspector{
			Cert:       fmt.Sprintf("%s%05d", d.code, 10000+i*7+g.r.IntN(7)),
			Department: dept, Jurisdiction: d.code, Active: g.pct(95), LeaderEligible: g.pct(30),
		}
		for {
			in.Name = pick(g, surnames) + pick(g, givenNames)
			if !names[in.Name] {
				names[in.Name] = true
				break
			}
			in.Name += pick(g, givenNames)
			if !names[in.Name] {
				names[in.Name] = true
				break
			}
		}
		switch dept {
		case "消防":
			in.Unit = d.name + "区消防救援大队"
		case "交警":
			in.Unit = d.name + "交警大队"
		default:
			in.Unit = d.name + "分局" + dept + "大队"
		}
		qs := deptQuals[dept]
		for _, q := range qs {
			if len(in.Qualifications) == 0 || g.pct(50) {
				in.Qualifications = append(in.Qualifications, q)
			}
		}
		if g.pct(15) {
			start := time.Date(2026, time.Month(1+g.r.IntN(12)), 1+g.r.IntN(28), 0, 0, 0, 0, cst)
			in.Unavailable = append(in.Unavailable, registry.Period{From: start, To: start.AddDate(0, 0, 3+g.r.IntN(40)), Reason: pick(g, leaveReasons)})
		}
		if g.pct(10) {
			rels := []registry.Relation{registry.RelationKin, registry.RelationKin, registry.RelationFormerEmployer, registry.RelationShareholding, registry.RelationOther}
			for k := 0; k < 1+g.r.IntN(2); k++ {
				it := registry.Interest{TargetID: ts[g.r.IntN(len(ts))].ID, Relation: pick(g, rels)}
				dup := false
				for _, x := range in.Interests {
					dup = dup || x.TargetID == it.TargetID
				}
				if !dup {
					in.Interests = append(in.Interests, it)
				}
			}
		}
		ins = append(ins, in)
	}
	return ins
}
