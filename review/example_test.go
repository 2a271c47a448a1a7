package review_test

import (
	"fmt"
	"time"

	"github.com/shuangsuiji/ssj/review"
	"github.com/shuangsuiji/ssj/workday"
)

// An objection received just before 中秋 and 国庆: the 20 working days run
// past the golden week and count the 10-10 make-up Saturday.
func Example() {
	cal, _ := workday.Default()
	at := time.Date(2026, 9, 24, 2, 0, 0, 0, time.UTC)
	o, err := review.Receive("YY-2026-001", "SJ-2026-001/91330802MA2B3C4D5E", "某某宾馆有限公司",
		"检查完成日期有误", workday.MustDate(2026, 9, 24), at, "法制员", cal)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("review due:", o.ReviewDue)
	fmt.Println(o.SendFeedback("n", workday.MustDate(2026, 9, 25), at, "法制员"))
	o.StartReview(workday.MustDate(2026, 9, 28), at, "复核人")
	o.Decide(review.DecisionUpheld, 0, "原检查结果正确", workday.MustDate(2026, 10, 9), at, "复核人", cal)
	fmt.Println("feedback due:", *o.FeedbackDue)
	st, _ := o.Standing(cal, workday.MustDate(2026, 10, 27), review.DefaultSoonWorkdays)
	fmt.Println(st)
	// Output:
	// review due: 2026-10-29
	// review: objection YY-2026-001: cannot send feedback when received
	// feedback due: 2026-10-29
	// feedback_due_soon
}
