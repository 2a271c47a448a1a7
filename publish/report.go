package publish

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shuangsuiji/ssj/workday"
)

// DrawnCount is how many targets a task drew for a department; it comes
// from the draw record.
type DrawnCount struct {
	TaskNo     string `json:"task_no"`
	Department string `json:"department"`
	N          int    `json:"n"`
}

// SummaryInput is what the summary needs from outside the book.
type SummaryInput struct {
	Drawn []DrawnCount `json:"drawn"`
	// ObjectionResults holds, for each objection received, the ID of the
	// result it disputes.
	ObjectionResults []string `json:"objection_results"`
}

// ConclusionCount is the number of results carrying a conclusion.
type ConclusionCount struct {
	Conclusion Conclusion `json:"conclusion"`
	Label      string     `json:"label"`
	N          int        `json:"n"`
}

// SeedCount is the number of results per seed opinion (rule R22).
type SeedCount struct {
	Outcome SeedOutcome `json:"outcome"`
	N       int         `json:"n"`
}

// SummaryGroup is the summary of one task for one department (or the total).
type SummaryGroup struct {
	TaskNo        string            `json:"task_no"`
	TaskName      string            `json:"task_name"`
	Department    string            `json:"department"`
	Drawn         int               `json:"drawn"`
	Inspected     int               `json:"inspected"`
	Published     int               `json:"published"`
	Withheld      int               `json:"withheld"`
	Pending       int               `json:"pending"`
	DueSoon       int               `json:"due_soon"`
	Overdue       int               `json:"overdue"`
	PublishedLate int               `json:"published_late"`
	Conclusions   []ConclusionCount `json:"conclusions"`
	Seed          []SeedCount       `json:"seed_outcomes"`
	Objections    int               `json:"objections"`
	Corrections   int               `json:"corrections"`
}

// Summary is the summary report of rule R25 (000 四(七)).
type Summary struct {
	AsOf   workday.Date   `json:"as_of"`
	Groups []SummaryGroup `json:"groups"`
	Total  SummaryGroup   `json:"total"`
}

func newGroup(task, name, dept string) SummaryGroup {
	g := SummaryGroup{TaskNo: task, TaskName: name, Department: dept}
	for _, c := range Conclusions() {
		g.Conclusions = append(g.Conclusions, ConclusionCount{Conclusion: c, Label: c.Label()})
	}
	for _, s := range []SeedOutcome{SeedNoAnomaly, SeedRectification, SeedOther} {
		g.Seed = append(g.Seed, SeedCount{Outcome: s})
	}
	return g
}

func (g *SummaryGroup) add(o SummaryGroup) {
	g.Drawn += o.Drawn
	g.Inspected += o.Inspected
	g.Published += o.Published
	g.Withheld += o.Withheld
	g.Pending += o.Pending
	g.DueSoon += o.DueSoon
	g.Overdue += o.Overdue
	g.PublishedLate += o.PublishedLate
	g.Objections += o.Objections
	g.Corrections += o.Corrections
	for i := range g.Conclusions {
		g.Conclusions[i].N += o.Conclusions[i].N
	}
	for i := range g.Seed {
		g.Seed[i].N += o.Seed[i].N
	}
}

// Summarize aggregates the book per task and department as of `today`:
// drawn, inspected (results entered), publication status against the R26
// deadline, conclusion distribution (GSXT and seed), objections and
// corrections. Groups are ordered by task number, then department.
func (b *Book) Summarize(cal *workday.Calendar, today workday.Date, in SummaryInput) (Summary, error) {
	type key struct{ task, dept string }
	idx := map[key]int{}
	var groups []SummaryGroup
	get := func(task, name, dept string) *SummaryGroup {
		k := key{task, dept}
		i, ok := idx[k]
		if !ok {
			i = len(groups)
			idx[k] = i
			groups = append(groups, newGroup(task, name, dept))
		}
		if groups[i].TaskName == "" {
			groups[i].TaskName = name
		}
		return &groups[i]
	}
	for _, dc := range in.Drawn {
		if dc.N < 0 {
			return Summary{}, fmt.Errorf("publish: summary: drawn count %d for %s/%s is negative", dc.N, dc.TaskNo, dc.Department)
		}
		get(dc.TaskNo, "", dc.Department).Drawn += dc.N
	}
	objections := map[string]int{}
	for _, id := range in.ObjectionResults {
		objections[id]++
	}
	for _, e := range b.Entries {
		r := e.Current()
		g := get(r.TaskNo, r.TaskName, r.Department)
		g.Inspected++
		st, err := b.Status(e, cal, today)
		if err != nil {
			return Summary{}, err
		}
		switch st {
		case OnTime:
			g.Published++
		case PublishedLate:
			g.Published++
			g.PublishedLate++
		case Withheld:
			g.Withheld++
		case Pending:
			g.Pending++
		case DueSoon:
			g.DueSoon++
		case Overdue:
			g.Overdue++
		}
		for _, c := range r.Conclusions {
			g.Conclusions[c.order()].N++
		}
		so := SeedOutcomeOf(r.Conclusions)
		for i := range g.Seed {
			if g.Seed[i].Outcome == so {
				g.Seed[i].N++
			}
		}
		g.Objections += objections[e.ID]
		if len(e.Versions) > 1 {
			g.Corrections += len(e.Versions) - 1
		}
	}
	sort.SliceStable(groups, func(i, j int) bool {
		if groups[i].TaskNo != groups[j].TaskNo {
			return groups[i].TaskNo < groups[j].TaskNo
		}
		return groups[i].Department < groups[j].Department
	})
	total := newGroup("", "", "")
	for _, g := range groups {
		total.add(g)
	}
	return Summary{AsOf: today, Groups: groups, Total: total}, nil
}

// Markdown renders the summary as a readable Markdown page (Chinese).
func (s Summary) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# 双随机抽查工作总结报告\n\n统计截至：%s\n\n", s.AsOf)
	b.WriteString("## 按任务和部门\n\n")
	b.WriteString("| 任务编号 | 任务名称 | 部门 | 抽取 | 已检查 | 已公示 | 逾期公示 | 不予公示 | 待公示 | 即将到期 | 已逾期 | 异议 | 更正 |\n")
	b.WriteString("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	row := func(g SummaryGroup, task, name, dept string) {
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |\n",
			task, name, dept, g.Drawn, g.Inspected, g.Published, g.PublishedLate, g.Withheld,
			g.Pending, g.DueSoon, g.Overdue, g.Objections, g.Corrections)
	}
	for _, g := range s.Groups {
		row(g, g.TaskNo, g.TaskName, g.Department)
	}
	row(s.Total, "合计", "", "")
	b.WriteString("\n## 检查结论分布\n\n| 检查结论 | 户数 |\n|---|---:|\n")
	for _, c := range s.Total.Conclusions {
		fmt.Fprintf(&b, "| %s | %d |\n", c.Label, c.N)
	}
	b.WriteString("\n## 按本局检查意见口径（未发现异常 / 责令整改 / 其他）\n\n| 检查意见 | 户数 |\n|---|---:|\n")
	for _, c := range s.Total.Seed {
		fmt.Fprintf(&b, "| %s | %d |\n", c.Outcome, c.N)
	}
	if s.Total.Drawn > 0 {
		// Integer per-mille, no floats.
		pm := s.Total.Inspected * 1000 / s.Total.Drawn
		fmt.Fprintf(&b, "\n检查完成率：%d.%d%%（%d/%d）\n", pm/10, pm%10, s.Total.Inspected, s.Total.Drawn)
	}
	return b.String()
}
