package office_test

import (
	"context"
	"fmt"
	"sort"

	"github.com/shuangsuiji/ssj/office"
	"github.com/shuangsuiji/ssj/office/demo"
	"github.com/shuangsuiji/ssj/office/memstore"
)

// counter is a publisher that counts what it receives by kind.
type counter map[office.PublicationKind]int

func (c counter) Publish(_ context.Context, p office.Publication) (office.Receipt, error) {
	c[p.Kind]++
	return office.Receipt{Key: p.Key, PlatformID: fmt.Sprintf("%s-%d", p.Kind, c[p.Kind])}, nil
}

func (counter) Close() error { return nil }

// Deliver sends every publication of the demo once: the task
// announcement, 49 result versions, a correction, the summary report and
// a credit-record entry (信用记录, R30) for each result version and the
// correction. A second run has nothing to send.
func ExampleOffice_Deliver() {
	ctx := context.Background()
	o, clock, _ := demo.New(memstore.New())
	if _, err := demo.Run(ctx, o, clock, nil); err != nil {
		panic(err)
	}
	c := counter{}
	opt := office.DeliverOptions{Publisher: "platform", PublicBase: "https://example.gov.cn/api/v1/results"}
	rep, err := o.Deliver(ctx, office.Step{Who: "推送任务"}, c, opt)
	if err != nil {
		panic(err)
	}
	var kinds []string
	for k, n := range c {
		kinds = append(kinds, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(kinds)
	fmt.Println(rep.Sent, "sent,", rep.Pending, "pending:", kinds)
	rep, _ = o.Deliver(ctx, office.Step{Who: "推送任务"}, c, opt)
	fmt.Println("again:", rep.Sent, "sent")
	// Output:
	// 102 sent, 0 pending: [announcement=1 correction=1 credit_entry=50 result_version=49 summary_report=1]
	// again: 0 sent
}
